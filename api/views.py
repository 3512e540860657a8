"""«Mi perfil» and «Tokens de API»: create (shown once) and revoke personal tokens."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from api import selectors, services
from api.forms import TokenForm

NEW_TOKEN_SESSION_KEY = "api_new_token"  # noqa: S105 - a session key name


@require_http_methods(["GET"])
def profile(request):
    return redirect("api_tokens")


@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error.message_dict.get("name", error.messages))
        else:
            # PRG: the secret crosses one redirect in the (server-side) session and is popped at
            # once, so a reload or the back button never shows it again.
            request.session[NEW_TOKEN_SESSION_KEY] = {"id": new.token.pk, "secret": new.secret}
            return redirect("api_tokens")
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None) if request.method == "GET" else None
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": selectors.user_tokens(user=request.user), "new_token": new_token},
        status=422 if form.errors else 200,
    )


@require_POST
def token_revoke(request, pk):
    if services.token_revoke(token_id=pk, user=request.user):
        messages.success(request, "Token revocado: ya no da acceso a la API.")
    else:
        messages.error(request, "Ese token no existe, no es suyo o ya estaba revocado.")
    return redirect("api_tokens")
