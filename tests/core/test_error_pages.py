"""Spanish error pages (403, 404, 500, CSRF failure) and the favicon, with DEBUG off as in production."""

import pytest
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from core.roles import READ_ONLY
from tests.catalog.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_404_is_spanish(user_client):
    response = user_client.get("/no-existe/")
    assert response.status_code == 404
    assert "No encontramos esta página" in response.content.decode()


def test_404_keeps_the_site_navigation(user_client):
    assert "Navegación principal" in user_client.get("/no-existe/").content.decode()


def test_403_is_spanish(client, make_user):
    client.force_login(make_user("lectora", READ_ONLY))
    response = client.post(reverse("catalog:customer_delete", args=[CustomerFactory().pk]))
    assert response.status_code == 403
    assert "No tiene permiso para esta acción" in response.content.decode()


def test_500_renders_without_a_request_context():
    assert "Algo falló en el servidor" in get_template("500.html").render()


def test_the_500_handler_answers_the_spanish_page():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Algo falló en el servidor" in response.content.decode()


def test_a_csrf_failure_is_explained_in_spanish(user):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": user.username, "password": "x"})
    assert response.status_code == 403
    assert "El formulario venció" in response.content.decode()


def test_every_page_links_the_favicon(client):
    assert 'rel="icon"' in client.get(reverse("login")).content.decode()


def test_favicon_ico_leads_to_the_icon_without_a_login(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("favicon.svg")


def test_a_post_only_address_opened_from_a_link_is_explained_in_spanish(user_client):
    response = user_client.get(reverse("invoicing:invoice_import"))
    assert "no se abre desde un enlace" in response.text


def test_the_405_page_keeps_its_status(user_client):
    assert user_client.get(reverse("invoicing:invoice_import")).status_code == 405
