"""Every page needs a login: walk the URL resolver so new pages are covered automatically."""

import uuid

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter, UUIDConverter

PUBLIC = {"login", "healthz", "favicon"}
SAMPLES = {IntConverter: "1", UUIDConverter: str(uuid.uuid4()), SlugConverter: "x"}


def walk(resolvers, prefix="", namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield namespace + (entry.name or ""), prefix + str(entry.pattern), entry


def concrete(route: str, pattern: URLPattern) -> str | None:
    """A URL for the route with sample values, or None for regex routes we cannot fill."""
    converters = getattr(pattern.pattern, "converters", {})
    if route.startswith("^"):
        return None
    path = route
    for name, converter in converters.items():
        sample = SAMPLES.get(type(converter), "x")
        if isinstance(converter, PathConverter):
            sample = "x"
        start = path.index("<")
        end = path.index(">", start)
        assert name in path[start:end]
        path = path[:start] + sample + path[end + 1 :]
    return "/" + path


ALL_ROUTES = [
    (name, url)
    for name, route, pattern in walk(get_resolver().url_patterns)
    if (url := concrete(route, pattern)) and name not in PUBLIC and name != "admin:login"
]
# The JSON API (/api/v1/, docs/api.md) answers an anonymous caller with a 401 problem, never the
# login page; its interactive docs (pages for people) do send to the login page.
API_PAGES = {"api:api-root", "api:openapi-view"}
ROUTES = [(n, u) for n, u in ALL_ROUTES if not n.startswith("api:") or n in API_PAGES]
API_ROUTES = [(n, u) for n, u in ALL_ROUTES if n.startswith("api:") and n not in API_PAGES]


def test_the_walk_finds_the_pages():
    names = {name for name, _ in ROUTES}
    assert {"home", "logout", "admin:index"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), ROUTES, ids=[n or u for n, u in ROUTES])
def test_anonymous_user_is_sent_to_login(client, name, url):
    response = client.get(url)
    if response.status_code == 404:
        pytest.skip("the sample arguments name no object")
    assert response.status_code == 302, url
    logins = (reverse(settings.LOGIN_URL) + "?next=", reverse("admin:login") + "?next=")
    assert response["Location"].startswith(logins)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), API_ROUTES, ids=[n for n, _ in API_ROUTES])
def test_anonymous_api_caller_is_refused(client, name, url):
    """401 (a token is needed), or 405 for a GET on a POST-only endpoint (nothing runs)."""
    assert client.get(url).status_code in (401, 405), url


def test_the_walk_finds_the_api():
    assert {"api:invoice_list", "api:credit_note_list"} <= {name for name, _ in API_ROUTES}


@pytest.mark.django_db
def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_login_page_is_spanish(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Iniciar sesión" in response.text
    assert "Nombre de usuario" in response.text


@pytest.mark.django_db
def test_home_after_login_shows_navigation_and_environment(user_client):
    response = user_client.get(reverse("home"))
    assert response.status_code == 200
    assert "Inicio" in response.text
    assert "Emulador local de Factus" in response.text
    assert "Cerrar sesión" in response.text


@pytest.mark.django_db
def test_logout_needs_post(user_client):
    assert user_client.get(reverse("logout")).status_code == 405
    response = user_client.post(reverse("logout"))
    assert response.status_code == 302
    assert user_client.get(reverse("home")).status_code == 302
