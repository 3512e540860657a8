"""Login throttling (django-axes): the real login forms, posted as a browser would."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "clave-segura-123"
LOCKED = "Demasiados intentos fallidos de inicio de sesión"


@pytest.fixture
def ana(django_user_model):
    return django_user_model.objects.create_user(username="ana", password=PASSWORD, is_staff=True)


@pytest.fixture
def beto(django_user_model):
    return django_user_model.objects.create_user(username="beto", password=PASSWORD)


def log_in(client, username, password, *, ip="10.1.1.1", url="login"):
    return client.post(
        reverse(url), {"username": username, "password": password}, REMOTE_ADDR=ip, follow=False
    )


def fail(client, username, times, **kwargs):
    """Wrong passwords; the fifth already answers the lockout page."""
    return [log_in(client, username, "equivocada", **kwargs).status_code for _ in range(times)]


def test_the_login_form_logs_in(client, ana):
    response = log_in(client, "ana", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_fifth_failure_locks(client, ana):
    assert fail(client, "ana", 5) == [200, 200, 200, 200, 429]


def test_four_failures_do_not_lock(client, ana):
    fail(client, "ana", 4)
    assert log_in(client, "ana", PASSWORD).status_code == 302


def test_five_failures_refuse_the_right_password_in_spanish(client, ana):
    fail(client, "ana", 5)
    response = log_in(client, "ana", PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "15 minutos" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_user_from_the_same_address_is_not_locked(client, ana, beto):
    fail(client, "ana", 5)
    assert log_in(client, "beto", PASSWORD).status_code == 302


def test_the_same_user_from_another_address_is_not_locked(client, ana):
    fail(client, "ana", 5)
    assert log_in(client, "ana", PASSWORD, ip="10.2.2.2").status_code == 302


def test_the_admin_login_is_throttled_too(client, ana):
    fail(client, "ana", 5, url="admin:login")
    response = log_in(client, "ana", PASSWORD, url="admin:login")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_the_lockout_is_listed_in_the_admin(client, admin_client, ana):
    fail(client, "ana", 5)
    page = admin_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "10.1.1.1" in page


def via_proxy(client, password, forwarded):
    return client.post(
        reverse("login"),
        {"username": "ana", "password": password},
        REMOTE_ADDR="127.0.0.1",  # the proxy
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_the_proxy_the_address_it_appended_counts(client, ana, settings):
    settings.BEHIND_PROXY = True
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        via_proxy(client, "equivocada", f"{forged}, 10.9.9.9")  # left part forged; proxy appends
    assert via_proxy(client, PASSWORD, "6.6.6.6, 10.9.9.9").status_code == 429
    assert via_proxy(client, PASSWORD, "10.8.8.8").status_code == 302
