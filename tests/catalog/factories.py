"""factory_boy factories for catalog models (reusable by other apps' tests).

Reference rows (document types, tributes, units, municipalities...) come from the data
migration, so factories look them up by Factus id instead of creating them.
"""

from datetime import date
from decimal import Decimal

import factory

from catalog import models
from catalog.validators import compute_dv


def ref(model, factus_id):
    return factory.LazyFunction(lambda: model.objects.get(factus_id=factus_id))


class CustomerFactory(factory.django.DjangoModelFactory):
    """A natural person with a cédula de ciudadanía."""

    class Meta:
        model = models.Customer

    identification_document = ref(models.IdentificationDocumentType, 3)
    identification = factory.Sequence(lambda n: f"{1020300000 + n}")
    names = factory.Sequence(lambda n: f"Cliente {n}")  # deterministic: tests search by name
    legal_organization = ref(models.LegalOrganization, 2)
    tribute = ref(models.CustomerTribute, 21)
    municipality = ref(models.Municipality, 980)
    address = "Calle 10 # 5-20"
    email = factory.Sequence(lambda n: f"cliente{n}@example.com")
    phone = "3001234567"


class CompanyCustomerFactory(CustomerFactory):
    """A legal entity with a NIT (DV computed as the form would)."""

    identification_document = ref(models.IdentificationDocumentType, 6)
    identification = factory.Sequence(lambda n: f"{900100000 + n}")
    dv = factory.LazyAttribute(lambda o: compute_dv(o.identification))
    names = ""
    company = factory.Sequence(lambda n: f"Empresa {n} S.A.S.")
    legal_organization = ref(models.LegalOrganization, 1)
    tribute = ref(models.CustomerTribute, 18)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Product

    code_reference = factory.Sequence(lambda n: f"PRD-{n:04d}")
    name = factory.Sequence(lambda n: f"Producto {n}")
    price = Decimal("50000.00")
    tax_rate = Decimal("19.00")
    is_excluded = False
    unit = ref(models.MeasurementUnit, 70)
    standard_code = ref(models.StandardCode, 1)
    tribute = ref(models.Tribute, 1)


class ProductWithholdingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProductWithholding

    product = factory.SubFactory(ProductFactory)
    code = "06"
    rate = Decimal("7.00")


class NumberingRangeFactory(factory.django.DjangoModelFactory):
    """An active sales-invoice range like the sandbox's SETP (id 8)."""

    class Meta:
        model = models.NumberingRange
        django_get_or_create = ("factus_id",)

    factus_id = 8
    document = "21"
    document_name = "Factura de Venta"
    prefix = "SETP"
    from_number = 990000000
    to_number = 995000000
    current = 990000001
    resolution_number = "18760000001"
    start_date = date(2019, 1, 19)
    end_date = date(2030, 1, 19)
    technical_key = "fc8eac422eba16e22ffd8c6f94b3f40a6e38162c"
    is_expired = False
    is_active = True
