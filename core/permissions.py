"""The one permission check of every view: ``@permission_required("invoicing.issue_invoice")``.

A user without the permission gets ``PermissionDenied``, which Django renders with templates/403.html
(Spanish; it says "Su usuario no tiene un rol asignado" when the user has no role at all). The
login itself is LoginRequiredMiddleware's. Roles and their permissions: core/roles.py.

    @permission_required("invoicing.view_invoice")                       # a function view
    @permission_required("invoicing.add_invoice", "invoicing.change_invoice", any_of=True)
    @method_decorator(permission_required("catalog.add_customer"), name="dispatch")  # a class
"""

from __future__ import annotations

from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied


def permission_required(*perms: str, any_of: bool = False):
    """Decorator: the view runs only for a user holding every one of ``perms`` (or one, ``any_of``)."""
    if not perms:
        raise ValueError("permission_required needs at least one permission")

    def check(user) -> bool:
        allowed = any(user.has_perm(p) for p in perms) if any_of else user.has_perms(perms)
        if not allowed:
            raise PermissionDenied
        return True

    return user_passes_test(check)


def require_permission(user, *perms: str) -> None:
    """The same check inside a view, for a branch one button takes (e.g. "Emitir" on the form).

    Raises: PermissionDenied.
    """
    if not user.has_perms(perms):
        raise PermissionDenied
