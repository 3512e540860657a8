"""factory_boy factories for invoices; catalogue rows come from the reference-data migration."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from catalog.models import MeasurementUnit, StandardCode, Tribute
from invoicing.models import Invoice, InvoiceItem
from invoicing.services.figures import with_figures
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory

__all__ = [
    "CustomerFactory",
    "InvoiceFactory",
    "InvoiceItemFactory",
    "NumberingRangeFactory",
    "UserFactory",
    "item_dict",
]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"usuario{n}")


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    customer = factory.SubFactory(CustomerFactory)
    numbering_range = factory.SubFactory(NumberingRangeFactory)
    created_by = factory.SubFactory(UserFactory)
    send_email = False


class InvoiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceItem

    invoice = factory.SubFactory(InvoiceFactory)
    position = factory.Sequence(lambda n: n)
    code_reference = factory.Sequence(lambda n: f"P-{n}")
    name = "Producto de prueba"
    quantity = 1
    price = Decimal("50000.00")
    discount_rate = Decimal("0")
    tax_rate = Decimal("19.00")
    unit = factory.LazyFunction(lambda: MeasurementUnit.objects.get(factus_id=70))
    standard_code = factory.LazyFunction(lambda: StandardCode.objects.get(factus_id=1))
    tribute = factory.LazyFunction(lambda: Tribute.objects.get(factus_id=1))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As every service writes a line: with its stored figures (invoicing.services.figures).
        line = with_figures(model_class(*args, **kwargs))
        line.save()
        return line


def item_dict(**overrides) -> dict:
    """An item as the services take it (InvoiceItem field names, FKs as <name>_id)."""
    data = {
        "code_reference": "P-1",
        "name": "Portátil",
        "quantity": 1,
        "price": Decimal("1500000"),
        "discount_rate": Decimal("11"),
        "tax_rate": Decimal("19"),
        "is_excluded": False,
        "unit_id": MeasurementUnit.objects.get(factus_id=70).pk,
        "standard_code_id": StandardCode.objects.get(factus_id=1).pk,
        "tribute_id": Tribute.objects.get(factus_id=1).pk,
        "product_id": None,
        "withholdings": [{"code": "06", "rate": "7.00"}],
    }
    data.update(overrides)
    return data
