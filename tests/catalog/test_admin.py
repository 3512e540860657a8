import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from catalog import models
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory, ProductWithholdingFactory

pytestmark = pytest.mark.django_db

ALL_MODELS = [
    m
    for m in (
        models.Municipality,
        models.Country,
        models.Tribute,
        models.MeasurementUnit,
        models.NumberingRange,
        models.IdentificationDocumentType,
        models.LegalOrganization,
        models.CustomerTribute,
        models.StandardCode,
        models.PaymentMethod,
        models.PaymentForm,
        models.WithholdingCode,
        models.BillDocumentType,
        models.OperationType,
        models.Customer,
        models.Product,
    )
]
SYNCED = [models.Municipality, models.Country, models.Tribute, models.MeasurementUnit, models.NumberingRange]


def admin_url(model, view, *args):
    return reverse(f"admin:catalog_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_changelists_and_search_render(admin_client_, model):
    CustomerFactory()
    ProductWithholdingFactory()
    NumberingRangeFactory()
    assert admin_client_.get(admin_url(model, "changelist"), {"q": "a"}).status_code == 200
    obj = model.objects.first()
    assert admin_client_.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_anonymous_is_sent_to_admin_login(client):
    response = client.get(admin_url(models.Customer, "changelist"))
    assert response.status_code == 302 and "login/" in response["Location"]


@pytest.mark.parametrize("model", SYNCED, ids=lambda m: m.__name__)
def test_synced_catalogues_cannot_be_deleted_and_fields_are_read_only(admin_client_, model):
    NumberingRangeFactory()
    obj = model.objects.first()
    assert admin_client_.get(admin_url(model, "delete", obj.pk)).status_code == 403
    html = admin_client_.get(admin_url(model, "change", obj.pk)).content.decode()
    assert 'name="name"' not in html and 'name="factus_id"' not in html
    assert "delete_selected" not in admin_client_.get(admin_url(model, "changelist")).content.decode()


def test_deactivate_action(admin_client_):
    san_gil = models.Municipality.objects.get(factus_id=980)
    response = admin_client_.post(
        admin_url(models.Municipality, "changelist"),
        {"action": "deactivate", ACTION_CHECKBOX_NAME: [san_gil.pk]},
        follow=True,
    )
    assert "1 registro(s) desactivado(s)." in response.content.decode()
    san_gil.refresh_from_db()
    assert san_gil.is_active is False


def test_sync_action_reports_the_result(admin_client_, factus, monkeypatch):
    monkeypatch.setattr("catalog.services.get_client", lambda: factus)
    response = admin_client_.post(
        admin_url(models.NumberingRange, "changelist"), {"action": "sync_from_factus"}, follow=True
    )
    assert "Rangos de numeración: 6 creados" in response.content.decode()
    assert models.NumberingRange.objects.count() == 6


def test_sync_action_reports_factus_errors(admin_client_, settings):
    settings.FACTUS_BASE_URL = "http://127.0.0.1:9"
    response = admin_client_.post(
        admin_url(models.Tribute, "changelist"), {"action": "sync_from_factus"}, follow=True
    )
    assert "No se pudo sincronizar tributos" in response.content.decode()


def test_admin_customer_form_applies_the_model_rules(admin_client_):
    data = {
        "identification_document": models.IdentificationDocumentType.objects.get(factus_id=6).pk,
        "identification": "900825759",
        "dv": "1",
        "legal_organization": models.LegalOrganization.objects.get(factus_id=1).pk,
        "company": "",
        "tribute": models.CustomerTribute.objects.get(factus_id=18).pk,
    }
    html = admin_client_.post(admin_url(models.Customer, "add"), data).content.decode()
    assert "El DV no corresponde al NIT: debería ser 7." in html
    assert "La razón social es obligatoria para personas jurídicas." in html
