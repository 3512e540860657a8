import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_shows_home_and_logout_returns_to_login(logged_in_page, live_server):
    page = logged_in_page
    expect(page.get_by_role("heading", name="Hola, Laura")).to_be_visible()
    expect(page.get_by_role("link", name="Inicio")).to_be_visible()
    expect(page.locator(".env-banner")).to_contain_text("Emulador local")
    page.get_by_role("button", name="Cerrar sesión").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_wrong_password_is_explained_in_spanish(page, live_server, staff_user):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("Nombre de usuario").fill(staff_user.username)
    page.get_by_label("Contraseña").fill("equivocada")
    page.get_by_role("button", name="Ingresar").click()
    expect(page.get_by_text("Por favor, introduzca un nombre de usuario y clave correctos")).to_be_visible()
