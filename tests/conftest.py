import pytest


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        username="cajero", password="clave-segura-123", first_name="Ana"
    )


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client
