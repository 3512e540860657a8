"""Customers and products: the master data every invoice is built from."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from catalog.validators import (
    NIT_DOCUMENT_ID,
    compute_dv,
    identification_error,
    split_identification,
    typed_dv_error,
)
from factus import codes

from .lookups import (
    CustomerTribute,
    IdentificationDocumentType,
    LegalOrganization,
    MeasurementUnit,
    Municipality,
    StandardCode,
    Tribute,
)

LEGAL_ENTITY_ID = 1  # Factus ids of the legal organizations
NATURAL_PERSON_ID = 2


# --- Customers and products ------------------------------------------------------------------


class Customer(models.Model):
    identification_document = models.ForeignKey(
        IdentificationDocumentType, models.PROTECT, verbose_name="tipo de documento"
    )
    identification = models.CharField("número de identificación", max_length=20)
    dv = models.PositiveSmallIntegerField(
        "DV", null=True, blank=True, help_text="Dígito de verificación; se calcula para NIT."
    )
    company = models.CharField("razón social", max_length=200, blank=True)
    names = models.CharField("nombres y apellidos", max_length=200, blank=True)
    trade_name = models.CharField("nombre comercial", max_length=200, blank=True)
    legal_organization = models.ForeignKey(
        LegalOrganization, models.PROTECT, verbose_name="tipo de organización"
    )
    tribute = models.ForeignKey(CustomerTribute, models.PROTECT, verbose_name="tributo")
    municipality = models.ForeignKey(
        Municipality, models.PROTECT, null=True, blank=True, verbose_name="municipio"
    )
    address = models.CharField("dirección", max_length=200, blank=True)
    email = models.EmailField("correo electrónico", max_length=200, blank=True)
    phone = models.CharField("teléfono", max_length=30, blank=True)
    created = models.DateTimeField("creado", auto_now_add=True)
    updated = models.DateTimeField("actualizado", auto_now=True)

    class Meta:
        ordering = ["company", "names"]
        verbose_name = "cliente"
        verbose_name_plural = "clientes"
        constraints = [
            models.UniqueConstraint(
                fields=["identification_document", "identification"],
                name="catalog_customer_unique_identification",
                violation_error_message="Ya existe un cliente con este tipo y número de documento.",
            ),
        ]

    def __str__(self):
        return f"{self.display_name} · {self.identification_display}"

    @property
    def display_name(self) -> str:
        return self.company or self.names or self.trade_name or self.identification

    @property
    def identification_display(self) -> str:
        return f"{self.identification}-{self.dv}" if self.dv is not None else self.identification

    def clean(self):
        """Cross-field rules shared by the admin and the staff forms (DV is filled for NIT)."""
        errors = {}
        # Rules speak of Factus ids (6 = NIT, 1 = legal entity); local primary keys may differ.
        document = self.identification_document.factus_id if self.identification_document_id else None
        legal = self.legal_organization.factus_id if self.legal_organization_id else None
        ident, typed_dv = split_identification(document, self.identification or "")
        self.identification = ident
        problem = identification_error(document, ident) if ident else None
        if problem:
            errors["identification"] = problem
        elif ident and document == NIT_DOCUMENT_ID:
            expected = compute_dv(ident)
            if typed_dv is not None and typed_dv != expected:
                errors["identification"] = typed_dv_error(ident, typed_dv)
            elif self.dv is not None and self.dv != expected:
                errors["dv"] = f"El DV no corresponde al NIT: debería ser {expected}."
            self.dv = expected
        elif document is not None and document != NIT_DOCUMENT_ID:
            self.dv = None
        if legal == LEGAL_ENTITY_ID and not self.company.strip():
            errors["company"] = "La razón social es obligatoria para personas jurídicas."
        elif legal is not None and legal != LEGAL_ENTITY_ID and not self.names.strip():
            errors["names"] = "Los nombres son obligatorios para personas naturales."
        if errors:
            raise ValidationError(errors)


class Product(models.Model):
    code_reference = models.CharField(
        "código",
        max_length=50,
        unique=True,
        error_messages={"unique": "Ya existe un producto con este código."},
    )
    name = models.CharField("nombre", max_length=200)
    price = models.DecimalField(
        "precio (IVA incluido)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), "El precio debe ser mayor que cero.")],
    )
    tax_rate = models.DecimalField(
        "tarifa de impuesto (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("19.00"),
        validators=[
            MinValueValidator(0, "La tarifa no puede ser negativa."),
            MaxValueValidator(100, "La tarifa no puede ser mayor que 100 %."),
        ],
    )
    is_excluded = models.BooleanField("excluido de IVA", default=False)
    unit = models.ForeignKey(MeasurementUnit, models.PROTECT, verbose_name="unidad de medida")
    standard_code = models.ForeignKey(StandardCode, models.PROTECT, verbose_name="estándar de código")
    tribute = models.ForeignKey(Tribute, models.PROTECT, verbose_name="tributo")
    is_active = models.BooleanField("activo", default=True)
    created = models.DateTimeField("creado", auto_now_add=True)
    updated = models.DateTimeField("actualizado", auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "producto"
        verbose_name_plural = "productos"
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gt=0),
                name="catalog_product_price_positive",
                violation_error_message="El precio debe ser mayor que cero.",
            ),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100),
                name="catalog_product_tax_rate_range",
                violation_error_message="La tarifa debe estar entre 0 y 100 %.",
            ),
            models.CheckConstraint(
                condition=Q(is_excluded=False) | Q(tax_rate=0),
                name="catalog_product_excluded_no_tax",
                violation_error_message="Un producto excluido de IVA debe tener tarifa 0 %.",
            ),
        ]

    def __str__(self):
        return f"{self.code_reference} · {self.name}"

    def clean(self):
        if self.is_excluded and self.tax_rate not in (None, 0):
            raise ValidationError({"tax_rate": "Un producto excluido de IVA debe tener tarifa 0 %."})


class ProductWithholding(models.Model):
    class Code(models.TextChoices):
        RETE_IVA = codes.RETE_IVA, f"{codes.RETE_IVA} ReteIVA"
        RETE_RENTA = codes.RETE_RENTA, f"{codes.RETE_RENTA} ReteRenta"
        RETE_ICA = codes.RETE_ICA, f"{codes.RETE_ICA} ReteICA"

    product = models.ForeignKey(Product, models.CASCADE, related_name="withholdings", verbose_name="producto")
    code = models.CharField("retención", max_length=2, choices=Code.choices)
    rate = models.DecimalField(
        "tarifa (%)",
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), "La tarifa debe ser mayor que cero."),
            MaxValueValidator(100, "La tarifa no puede ser mayor que 100 %."),
        ],
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "retención por defecto"
        verbose_name_plural = "retenciones por defecto"
        constraints = [
            models.UniqueConstraint(
                fields=["product", "code"],
                name="catalog_withholding_unique_code",
                violation_error_message="Esta retención ya está en el producto.",
            ),
        ]

    def __str__(self):
        return f"{self.get_code_display()} {self.rate} %"
