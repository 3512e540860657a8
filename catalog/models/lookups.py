"""Factus lookups: catalogues synced from Factus and the static reference tables."""

from django.db import models

# Numbering-range document codes (API.md §5.1) of the documents this app issues.
BILL_RANGE_DOCUMENT = "21"
CREDIT_NOTE_RANGE_DOCUMENT = "22"


# --- Lookups synced from Factus (sync_lookups) -----------------------------------------------


class SyncedLookup(models.Model):
    """A row mirrored from a Factus catalogue; keyed by the Factus id, never deleted."""

    factus_id = models.PositiveIntegerField("id Factus", unique=True)
    is_active = models.BooleanField("activo", default=True)
    synced_at = models.DateTimeField("sincronizado", null=True, blank=True)

    SYNC_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Municipality(SyncedLookup):
    code = models.CharField("código DANE", max_length=10)
    name = models.CharField("nombre", max_length=120)
    department = models.CharField("departamento", max_length=120)

    SYNC_FIELDS = ("code", "name", "department")

    class Meta(SyncedLookup.Meta):
        verbose_name = "municipio"
        verbose_name_plural = "municipios"
        # One permission for the whole sync (every synced catalogue at once), kept on its first one.
        permissions = [("sync_lookups", "Puede sincronizar los catálogos desde Factus")]

    def __str__(self):
        return f"{self.name} ({self.department})"


class Country(SyncedLookup):
    code = models.CharField("código", max_length=10)
    name = models.CharField("nombre", max_length=120)

    SYNC_FIELDS = ("code", "name")

    class Meta(SyncedLookup.Meta):
        verbose_name = "país"
        verbose_name_plural = "países"


class Tribute(SyncedLookup):
    """Product tribute (`items[].tribute_id`), from /v1/tributes/products."""

    code = models.CharField("código", max_length=10)
    name = models.CharField("nombre", max_length=120)
    description = models.CharField("descripción", max_length=255, blank=True)

    SYNC_FIELDS = ("code", "name", "description")

    class Meta(SyncedLookup.Meta):
        ordering = ["factus_id"]
        verbose_name = "tributo de producto"
        verbose_name_plural = "tributos de producto"

    def __str__(self):
        return f"{self.code} {self.name}"


class MeasurementUnit(SyncedLookup):
    code = models.CharField("código", max_length=10)
    name = models.CharField("nombre", max_length=120)

    SYNC_FIELDS = ("code", "name")

    class Meta(SyncedLookup.Meta):
        verbose_name = "unidad de medida"
        verbose_name_plural = "unidades de medida"

    def __str__(self):
        return f"{self.name} ({self.code})"


class NumberingRange(SyncedLookup):
    document = models.CharField("documento", max_length=4, db_index=True)
    document_name = models.CharField("tipo de documento", max_length=80)
    prefix = models.CharField("prefijo", max_length=20, blank=True)
    from_number = models.PositiveBigIntegerField("desde")
    to_number = models.PositiveBigIntegerField("hasta")
    current = models.PositiveBigIntegerField("consecutivo actual")
    resolution_number = models.CharField("resolución", max_length=40, blank=True)
    start_date = models.DateField("inicio", null=True, blank=True)
    end_date = models.DateField("fin", null=True, blank=True)
    technical_key = models.CharField("clave técnica", max_length=120, blank=True)
    is_expired = models.BooleanField("vencido", default=False)

    SYNC_FIELDS = (
        "document",
        "document_name",
        "prefix",
        "from_number",
        "to_number",
        "current",
        "resolution_number",
        "start_date",
        "end_date",
        "technical_key",
        "is_expired",
    )

    class Meta(SyncedLookup.Meta):
        ordering = ["document", "prefix"]
        verbose_name = "rango de numeración"
        verbose_name_plural = "rangos de numeración"

    def __str__(self):
        prefix = self.prefix or "(sin prefijo)"
        return f"{prefix} · {self.document_name} ({self.from_number}–{self.to_number})"

    @property
    def numbers_left(self) -> int:
        """Consecutives still available (`current` is the next one to be used)."""
        return max(0, self.to_number - self.current + 1)


# --- Static reference tables (loaded by migration 0002) --------------------------------------


class FactusReference(models.Model):
    factus_id = models.PositiveIntegerField("id Factus", unique=True)
    code = models.CharField("código", max_length=10)
    name = models.CharField("nombre", max_length=120)

    class Meta:
        abstract = True
        ordering = ["factus_id"]

    def __str__(self):
        return self.name


class CodeReference(models.Model):
    code = models.CharField("código", max_length=10, unique=True)
    name = models.CharField("nombre", max_length=200)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class IdentificationDocumentType(FactusReference):
    class Meta(FactusReference.Meta):
        verbose_name = "tipo de documento de identidad"
        verbose_name_plural = "tipos de documento de identidad"


class LegalOrganization(FactusReference):
    class Meta(FactusReference.Meta):
        verbose_name = "tipo de organización"
        verbose_name_plural = "tipos de organización"


class CustomerTribute(FactusReference):
    class Meta(FactusReference.Meta):
        verbose_name = "tributo del cliente"
        verbose_name_plural = "tributos del cliente"


class StandardCode(FactusReference):
    class Meta(FactusReference.Meta):
        verbose_name = "estándar de código de producto"
        verbose_name_plural = "estándares de código de producto"


class PaymentMethod(CodeReference):
    class Meta(CodeReference.Meta):
        verbose_name = "medio de pago"
        verbose_name_plural = "medios de pago"


class PaymentForm(CodeReference):
    class Meta(CodeReference.Meta):
        verbose_name = "forma de pago"
        verbose_name_plural = "formas de pago"


class WithholdingCode(CodeReference):
    class Meta(CodeReference.Meta):
        verbose_name = "código de retención"
        verbose_name_plural = "códigos de retención"


class BillDocumentType(CodeReference):
    class Meta(CodeReference.Meta):
        verbose_name = "tipo de factura"
        verbose_name_plural = "tipos de factura"


class OperationType(CodeReference):
    class Meta(CodeReference.Meta):
        verbose_name = "tipo de operación"
        verbose_name_plural = "tipos de operación"
