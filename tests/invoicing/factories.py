"""factory_boy factories for invoices; catalogue rows come from the reference-data migration."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from catalog.models import (
    Customer,
    CustomerTribute,
    IdentificationDocumentType,
    LegalOrganization,
    MeasurementUnit,
    Municipality,
    NumberingRange,
    StandardCode,
    Tribute,
)
from invoicing.models import Invoice, InvoiceItem


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"usuario{n}")


class NumberingRangeFactory(factory.django.DjangoModelFactory):
    """The emulator's bill range: id 8, prefix SETP."""

    class Meta:
        model = NumberingRange
        django_get_or_create = ("factus_id",)

    factus_id = 8
    document = "21"
    document_name = "Factura de Venta"
    prefix = "SETP"
    from_number = 990000000
    to_number = 995000000
    current = 990000001
    resolution_number = "18760000001"


class CustomerFactory(factory.django.DjangoModelFactory):
    """A natural person with a cédula (document id 3), no tribute, in San Gil."""

    class Meta:
        model = Customer

    identification_document = factory.LazyFunction(
        lambda: IdentificationDocumentType.objects.get(factus_id=3))
    identification = factory.Sequence(lambda n: str(100200300 + n))
    names = factory.Sequence(lambda n: f"Cliente {n}")
    legal_organization = factory.LazyFunction(lambda: LegalOrganization.objects.get(factus_id=2))
    tribute = factory.LazyFunction(lambda: CustomerTribute.objects.get(factus_id=21))
    municipality = factory.LazyFunction(lambda: Municipality.objects.filter(factus_id=980).first())
    email = factory.Sequence(lambda n: f"cliente{n}@example.com")
    address = "Calle 1 # 2-3"


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


def item_dict(**overrides) -> dict:
    """An item as the services take it (InvoiceItem field names, FKs as <name>_id)."""
    data = {
        "code_reference": "P-1", "name": "Portátil", "quantity": 1, "price": Decimal("1500000"),
        "discount_rate": Decimal("11"), "tax_rate": Decimal("19"), "is_excluded": False,
        "unit_id": MeasurementUnit.objects.get(factus_id=70).pk,
        "standard_code_id": StandardCode.objects.get(factus_id=1).pk,
        "tribute_id": Tribute.objects.get(factus_id=1).pk, "product_id": None,
        "withholdings": [{"code": "06", "rate": "7.00"}],
    }
    data.update(overrides)
    return data
