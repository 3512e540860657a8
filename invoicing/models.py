"""Invoice, its items and its event timeline (see docs/invoicing.md for the lifecycle)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, F, Q
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from core import bounds
from factus.codes import (
    CORRECTION_DISCOUNT,
    CORRECTION_PARTIAL_RETURN,
    CORRECTION_PRICE_ADJUSTMENT,
    CORRECTION_PROMPT_PAYMENT,
    CORRECTION_VOID,
    CORRECTION_VOLUME,
    PAYMENT_FORM_CASH,
    PAYMENT_FORM_CREDIT,
)
from factus.conf import request_budget

# A SUBMITTING row is stale (its request is surely over: dead worker, killed process) once the
# request's whole Factus budget has passed, plus this margin for recording the outcome.
STALE_MARGIN = timedelta(seconds=5)
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def submit_stale_after() -> timedelta:
    """How long after ``submitting_since`` a SUBMITTING row is recoverable ("Reintentar")."""
    return timedelta(seconds=request_budget()) + STALE_MARGIN


def new_reference_code() -> str:
    """The idempotency key sent to Factus: "FAC-" and 12 random upper-case base32 characters."""
    return "FAC-" + "".join(secrets.choice(_BASE32) for _ in range(12))


def new_credit_note_reference_code() -> str:
    """A credit note's idempotency key: "NC-" and 12 random upper-case base32 characters."""
    return "NC-" + "".join(secrets.choice(_BASE32) for _ in range(12))


def _money(verbose_name: str) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, null=True, blank=True)


class DocumentStatus(models.TextChoices):
    """The lifecycle of every document sent to Factus (invoices, credit notes): docs/invoicing.md."""

    DRAFT = "draft", "Borrador"
    SUBMITTING = "submitting", "Enviando"
    VALIDATED = "validated", "Validada"
    PENDING_DIAN = "pending_dian", "Pendiente DIAN"
    REJECTED = "rejected", "Rechazada DIAN"
    INVALID = "invalid", "Datos inválidos"
    FAILED = "failed", "Error de envío"
    # The bill may exist at Factus and we could not establish it (no answer and no lookup, or an
    # answer that makes no sense): looked up by reference before anything is sent again.
    UNVERIFIED = "unverified", "Por verificar"
    DELETED = "deleted", "Eliminada en Factus"


def document_constraints(prefix: str, *, number_taken: str) -> list:
    """What every FactusDocument table keeps, named ``<prefix>_...`` per table."""
    return [
        models.CheckConstraint(
            condition=Q(status="submitting", submitting_since__isnull=False) | ~Q(status="submitting"),
            name=f"{prefix}_submitting_has_since",
        ),
        # One Factus number, one of our documents (when this refuses a save, resolve.number_taken
        # names the document that holds it). The number carries its prefix (SETP990000493), and a
        # pending or rejected bill is recorded without the prefix column: unique on the number is
        # unique on prefix + number too. A bill deleted at Factus frees its number (INFERRED:
        # Factus may give it again), so DELETED rows do not hold it.
        models.UniqueConstraint(
            fields=["number"],
            condition=~Q(number="") & ~Q(status="deleted"),
            name=f"{prefix}_number_unique",
            violation_error_message=number_taken,
        ),
        # core.bounds: our estimate and Factus' figures stay within the invoice bound (15
        # significant digits), so every stored row can be read back and rendered, on SQLite too.
        models.CheckConstraint(
            condition=Q(estimated_total__isnull=True)
            | Q(estimated_total__gte=0, estimated_total__lte=bounds.MAX_INVOICE_TOTAL),
            name=f"{prefix}_estimated_total_bounds",
            violation_error_message="El total calculado supera el máximo por factura.",
        ),
        *[
            models.CheckConstraint(
                condition=Q(**{f"{name}__isnull": True})
                | Q(
                    **{
                        f"{name}__gte": -bounds.MAX_INVOICE_TOTAL,
                        f"{name}__lte": bounds.MAX_INVOICE_TOTAL,
                    }
                ),
                name=f"{prefix}_{name}_fits",
            )
            for name in (
                "gross_value",
                "taxable_amount",
                "tax_amount",
                "discount_amount",
                "surcharge_amount",
                "total",
            )
        ],
    ]


class FactusDocument(models.Model):
    """What every document sent to Factus shares: its lifecycle and what Factus returned.

    The submission machinery (invoicing.services.submit) works on this shape whatever the document:
    the status sets below, ``submitting_since``, the one-time ``form_token`` and the result columns.
    """

    Status = DocumentStatus

    EDITABLE = frozenset({Status.DRAFT, Status.INVALID, Status.FAILED})
    SUBMITTABLE = frozenset(
        {Status.DRAFT, Status.INVALID, Status.FAILED, Status.PENDING_DIAN, Status.UNVERIFIED}
    )
    DELETABLE_AT_FACTUS = frozenset({Status.REJECTED, Status.PENDING_DIAN})
    BADGES = {
        Status.DRAFT: "secondary",
        Status.SUBMITTING: "info",
        Status.VALIDATED: "success",
        Status.PENDING_DIAN: "warning",
        Status.REJECTED: "danger",
        Status.INVALID: "danger",
        Status.FAILED: "warning",
        Status.UNVERIFIED: "warning",
        Status.DELETED: "dark",
    }

    payment_method_code = models.CharField("medio de pago", max_length=4, default="10")
    observation = models.CharField("observación", max_length=250, blank=True)
    send_email = models.BooleanField("Factus envía el correo al cliente", default=True)
    status = models.CharField("estado", max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Ours (invoicing.totals over the saved items), written by the draft services: what a bill is
    # worth before Factus returns ``total``. Never shown as Factus' figure.
    estimated_total = models.DecimalField(
        "total calculado (sin validar)",
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )

    # Factus results, as Factus returned them (null/empty before validation).
    factus_id = models.PositiveBigIntegerField("id Factus", null=True, blank=True, editable=False)
    number = models.CharField("número", max_length=40, blank=True, editable=False)
    prefix = models.CharField("prefijo", max_length=20, blank=True, editable=False)
    qr_url = models.CharField("URL del QR", max_length=500, blank=True, editable=False)
    qr_image = models.TextField("imagen QR (data URI)", blank=True, editable=False)
    validated_at = models.DateTimeField("validada", null=True, blank=True, editable=False)
    gross_value = _money("valor bruto")
    taxable_amount = _money("base gravable")
    tax_amount = _money("impuestos")
    discount_amount = _money("descuentos")
    surcharge_amount = _money("recargos")
    total = _money("total")
    withholdings = models.JSONField("retenciones", default=list, blank=True)
    dian_messages = models.JSONField("mensajes DIAN", default=list, blank=True)
    field_errors = models.JSONField("errores por campo", default=dict, blank=True)
    totals_mismatch = models.JSONField("diferencias de totales", default=dict, blank=True)
    raw_response = models.JSONField("respuesta Factus", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="creada por",
    )
    created_at = models.DateTimeField("creada", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("actualizada", auto_now=True)
    submitting_since = models.DateTimeField("enviando desde", null=True, blank=True, editable=False)
    # The one-time token of the new-invoice form that created this row: a second POST of the same
    # form (reload, double click, back button) finds this invoice instead of creating another.
    form_token = models.UUIDField("token del formulario", null=True, blank=True, unique=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_submittable(self) -> bool:
        return self.status in self.SUBMITTABLE

    @property
    def is_stale_submitting(self) -> bool:
        return (
            self.status == self.Status.SUBMITTING
            and self.submitting_since is not None
            and timezone.now() - self.submitting_since >= submit_stale_after()
        )

    @property
    def can_retry(self) -> bool:
        """ "Reintentar": resend the same reference after a failure, a pending DIAN or a stale send."""
        return (
            self.status in (self.Status.FAILED, self.Status.PENDING_DIAN, self.Status.UNVERIFIED)
            or self.is_stale_submitting
        )

    @property
    def needs_lookup(self) -> bool:
        """The last attempt may have created the bill: the next one looks it up by reference first."""
        return self.status == self.Status.UNVERIFIED or self.is_stale_submitting

    @property
    def version_stamp(self) -> str:
        """What an edit form was based on: any save of the row (edit, send, outcome) changes it."""
        return self.updated_at.isoformat() if self.updated_at else ""

    @property
    def can_delete_at_factus(self) -> bool:
        return self.status in self.DELETABLE_AT_FACTUS

    @property
    def status_badge(self) -> str:
        return self.BADGES.get(self.status, "secondary")


class Invoice(FactusDocument):
    class PaymentForm(models.TextChoices):
        CASH = PAYMENT_FORM_CASH, "Pago de contado"
        CREDIT = PAYMENT_FORM_CREDIT, "Pago a crédito"

    reference_code = models.CharField(
        "código de referencia", max_length=64, unique=True, default=new_reference_code, editable=False
    )
    customer = models.ForeignKey(
        "catalog.Customer", models.PROTECT, related_name="invoices", verbose_name="cliente"
    )
    numbering_range = models.ForeignKey(
        "catalog.NumberingRange",
        models.PROTECT,
        null=True,
        related_name="invoices",
        verbose_name="rango de numeración",
    )
    payment_form = models.CharField(
        "forma de pago", max_length=2, choices=PaymentForm.choices, default=PaymentForm.CASH
    )
    payment_due_date = models.DateField("fecha de vencimiento", null=True, blank=True)
    cufe = models.CharField("CUFE", max_length=128, blank=True, editable=False)
    # Parts of a Factus v1 bills/validate body posted to the API that the invoice has no column for
    # (document "03", establishment, related_documents, allowance_charges, ...): sent as they came
    # (invoicing.payloads.bill_payload). Empty for invoices made in the browser.
    factus_extra = models.JSONField("campos Factus adicionales", default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "factura"
        verbose_name_plural = "facturas"
        # Actions that are not CRUD (core/roles.py gives them to the roles; docs/roles.md).
        permissions = [
            ("issue_invoice", "Puede emitir facturas en Factus (y reintentar o verificar)"),
            ("email_invoice", "Puede enviar facturas por correo desde Factus"),
            ("delete_at_factus", "Puede eliminar documentos en Factus (facturas y notas crédito)"),
            ("import_invoices", "Puede importar facturas y notas crédito desde Factus"),
            ("view_reports", "Puede ver los informes de ventas, IVA y retenciones"),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="invoice_created_idx"),
            models.Index(fields=["status", "-created_at"], name="invoice_status_created_idx"),
            models.Index(fields=["customer", "-created_at"], name="invoice_customer_created_idx"),
            # varchar_pattern_ops (PostgreSQL only; ignored elsewhere): LIKE 'SETP99%' uses it.
            models.Index(fields=["number"], name="invoice_number_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["prefix", "number"], name="invoice_prefix_number_idx"),
            # Inicio and Informes: validated invoices by validation time (reports.selectors).
            # Covering (PostgreSQL): month sums and top customers read the index alone.
            models.Index(
                fields=["validated_at"],
                name="invoice_validated_at_idx",
                condition=Q(status="validated"),
                include=["id", "total", "tax_amount", "customer"],
            ),
        ]
        constraints = document_constraints(
            "invoice", number_taken="Ese número de factura ya está registrado en otra factura."
        )

    def __str__(self):
        return self.number or self.reference_code


def line_constraints(prefix: str) -> list:
    """The bounds every document line keeps (core.bounds), named ``<prefix>_...`` per table."""
    return [
        models.CheckConstraint(
            condition=Q(quantity__gt=0),
            name=f"{prefix}_quantity_positive",
            violation_error_message="La cantidad debe ser mayor que cero.",
        ),
        models.CheckConstraint(
            condition=Q(price__gt=0),
            name=f"{prefix}_price_positive",
            violation_error_message="El precio debe ser mayor que cero.",
        ),
        models.CheckConstraint(
            condition=Q(discount_rate__gte=0, discount_rate__lte=100),
            name=f"{prefix}_discount_range",
            violation_error_message="El descuento debe estar entre 0 y 100 %.",
        ),
        models.CheckConstraint(
            condition=Q(tax_rate__gte=0, tax_rate__lte=100),
            name=f"{prefix}_tax_rate_range",
            violation_error_message="La tarifa debe estar entre 0 y 100 %.",
        ),
        models.CheckConstraint(
            condition=Q(quantity__lte=bounds.MAX_QUANTITY),
            name=f"{prefix}_quantity_max",
            violation_error_message=bounds.QUANTITY_TOO_BIG,
        ),
        models.CheckConstraint(
            condition=Q(price__lte=bounds.MAX_PRICE),
            name=f"{prefix}_price_max",
            violation_error_message=bounds.PRICE_TOO_BIG,
        ),
        models.CheckConstraint(
            condition=LessThanOrEqual(
                ExpressionWrapper(
                    F("price") * F("quantity"),
                    output_field=models.DecimalField(max_digits=24, decimal_places=2),
                ),
                bounds.MAX_LINE_TOTAL,
            ),
            name=f"{prefix}_line_amount_max",
            violation_error_message=bounds.LINE_TOO_BIG,
        ),
    ]


class DocumentLine(models.Model):
    """A line of a Factus document (invoice or credit note): the v1 item schema, price tax-included."""

    position = models.PositiveSmallIntegerField("posición", default=0)
    product = models.ForeignKey(
        "catalog.Product", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="producto"
    )
    code_reference = models.CharField("código", max_length=50)
    name = models.CharField("descripción", max_length=200)
    quantity = models.PositiveIntegerField("cantidad", default=1)
    price = models.DecimalField("precio unitario (IVA incluido)", max_digits=14, decimal_places=2)
    discount_rate = models.DecimalField("descuento (%)", max_digits=5, decimal_places=2, default=0)
    tax_rate = models.DecimalField("tarifa de impuesto (%)", max_digits=5, decimal_places=2, default=19)
    is_excluded = models.BooleanField("excluido de IVA", default=False)
    unit = models.ForeignKey(
        "catalog.MeasurementUnit", models.PROTECT, related_name="+", verbose_name="unidad de medida"
    )
    standard_code = models.ForeignKey(
        "catalog.StandardCode", models.PROTECT, related_name="+", verbose_name="estándar de código"
    )
    tribute = models.ForeignKey("catalog.Tribute", models.PROTECT, related_name="+", verbose_name="tributo")
    withholdings = models.JSONField(
        "retenciones", default=list, blank=True, help_text='[{"code": "06", "rate": "7.00"}]'
    )
    # The line's figures as Factus computes them (invoicing.totals.compute_line), stored when the line
    # is written (invoicing.services.figures.with_figures) so that reports are SQL sums. A line never
    # changes once its document is sent, so these are the figures it was validated with. Null only
    # for a line written by code that skipped with_figures (docs/reports.md).
    line_total = _money("total de la línea")
    line_gross_value = _money("valor bruto de la línea")
    line_taxable_amount = _money("base gravable de la línea")
    line_tax_amount = _money("impuesto de la línea")
    line_rete_iva = _money("ReteIVA de la línea")
    line_rete_renta = _money("ReteRenta de la línea")
    line_rete_ica = _money("ReteICA de la línea")

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.code_reference} · {self.name}"


class InvoiceItem(DocumentLine):
    invoice = models.ForeignKey(Invoice, models.CASCADE, related_name="items", verbose_name="factura")

    class Meta:
        ordering = ["invoice", "position", "id"]
        verbose_name = "ítem de factura"
        verbose_name_plural = "ítems de factura"
        constraints = line_constraints("invoice_item")


class DocumentEvent(models.Model):
    """One entry of a document's timeline: an action, and for a Factus attempt what happened."""

    class Action(models.TextChoices):
        CREATE = "create", "Creación"
        UPDATE = "update", "Edición"
        SUBMIT = "submit", "Envío"
        RETRY = "retry", "Reintento"
        RECONCILE = "reconcile", "Conciliación"
        DELETE = "delete", "Eliminación en Factus"
        EMAIL = "email", "Correo"
        PDF = "pdf", "PDF"
        XML = "xml", "XML"
        IMPORT = "import", "Importación"
        DUPLICATE = "duplicate", "Duplicado"

    class Outcome(models.TextChoices):
        OK = "ok", "Correcto"
        VALIDATED = "validated", "Validada"
        PENDING = "pending", "Pendiente DIAN"
        REJECTED = "rejected", "Rechazada"
        INVALID = "invalid", "Datos inválidos"
        CONFLICT = "conflict", "Documento pendiente"
        RATE_LIMITED = "rate_limited", "Límite de solicitudes"
        FAILED = "failed", "Error"
        UNVERIFIED = "unverified", "Por verificar"
        NOT_FOUND = "not_found", "No encontrada"
        # A submission refused because another request is sending the document (never recorded).
        BUSY = "busy", "Envío en curso"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="usuario",
    )
    created_at = models.DateTimeField("fecha", default=timezone.now)
    action = models.CharField("acción", max_length=20, choices=Action.choices)
    outcome = models.CharField("resultado", max_length=20, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField("HTTP", null=True, blank=True)
    message = models.TextField("mensaje", blank=True)
    request = models.JSONField("solicitud", null=True, blank=True)
    response = models.JSONField("respuesta", null=True, blank=True)
    duration_ms = models.PositiveIntegerField("duración Factus (ms)", null=True, blank=True)
    # What the "Último intento" panel says about a submit/retry/reconcile (see
    # invoicing.services.resolve.Resolution.detail): kind, may_exist, lookup, lookup_tries, retry_at...
    detail = models.JSONField("detalle del intento", default=dict, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.get_action_display()}: {self.get_outcome_display()}"


class InvoiceEvent(DocumentEvent):
    invoice = models.ForeignKey(Invoice, models.CASCADE, related_name="events", verbose_name="factura")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "evento de factura"
        verbose_name_plural = "eventos de factura"
        indexes = [models.Index(fields=["invoice", "-created_at"], name="invoice_event_timeline_idx")]


class CreditNote(FactusDocument):
    """A credit note (nota crédito) that corrects one validated invoice of ours (customization 20).

    Its ``reference_code`` is fixed at creation; its lines say which invoice line each one credits
    (quantities returned, or a price reduction). What is left to credit on an invoice is computed
    from the notes that may count against it (invoicing.services.credit_notes, under a row lock).
    """

    class Concept(models.TextChoices):
        PARTIAL_RETURN = CORRECTION_PARTIAL_RETURN, "Devolución parcial de bienes o servicio no aceptado"
        VOID = CORRECTION_VOID, "Anulación de factura electrónica"
        DISCOUNT = CORRECTION_DISCOUNT, "Rebaja o descuento parcial o total"
        PRICE_ADJUSTMENT = CORRECTION_PRICE_ADJUSTMENT, "Ajuste de precio"
        PROMPT_PAYMENT = CORRECTION_PROMPT_PAYMENT, "Descuento comercial por pronto pago"
        VOLUME = CORRECTION_VOLUME, "Descuento comercial por volumen de ventas"

    reference_code = models.CharField(
        "código de referencia",
        max_length=64,
        unique=True,
        default=new_credit_note_reference_code,
        editable=False,
    )
    invoice = models.ForeignKey(
        Invoice, models.PROTECT, related_name="credit_notes", verbose_name="factura corregida"
    )
    correction_concept = models.CharField(
        "concepto de corrección", max_length=1, choices=Concept.choices, default=Concept.VOID
    )
    numbering_range = models.ForeignKey(
        "catalog.NumberingRange",
        models.PROTECT,
        null=True,
        related_name="credit_notes",
        verbose_name="rango de numeración",
    )
    cude = models.CharField("CUDE", max_length=128, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "nota crédito"
        verbose_name_plural = "notas crédito"
        # Deleting at Factus is invoicing.delete_at_factus for every document (core/roles.py).
        permissions = [
            ("issue_creditnote", "Puede emitir notas crédito en Factus (y reintentar o verificar)"),
            ("email_creditnote", "Puede enviar notas crédito por correo desde Factus"),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="credit_note_created_idx"),
            models.Index(fields=["status", "-created_at"], name="credit_note_status_created_idx"),
            models.Index(fields=["invoice", "status"], name="credit_note_invoice_status_idx"),
            models.Index(fields=["number"], name="credit_note_number_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(
                fields=["validated_at"],
                name="credit_note_validated_at_idx",
                condition=Q(status="validated"),
                include=["id", "total", "tax_amount", "invoice"],
            ),
        ]
        constraints = document_constraints(
            "credit_note", number_taken="Ese número de nota crédito ya está registrado en otra nota."
        )

    def __str__(self):
        return self.number or self.reference_code

    @property
    def is_void(self) -> bool:
        return self.correction_concept == self.Concept.VOID


class CreditNoteItem(DocumentLine):
    credit_note = models.ForeignKey(
        CreditNote, models.CASCADE, related_name="items", verbose_name="nota crédito"
    )
    # The invoice line this one credits: a return of some of its quantity at its price, or a
    # reduction of its price (``price`` is then the reduction per unit, tax included).
    invoice_item = models.ForeignKey(
        InvoiceItem, models.PROTECT, related_name="credit_lines", verbose_name="ítem de la factura"
    )

    class Meta:
        ordering = ["credit_note", "position", "id"]
        verbose_name = "ítem de nota crédito"
        verbose_name_plural = "ítems de nota crédito"
        constraints = line_constraints("credit_note_item")


class CreditNoteEvent(DocumentEvent):
    credit_note = models.ForeignKey(
        CreditNote, models.CASCADE, related_name="events", verbose_name="nota crédito"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "evento de nota crédito"
        verbose_name_plural = "eventos de nota crédito"
        indexes = [models.Index(fields=["credit_note", "-created_at"], name="credit_note_event_timeline_idx")]


class BulkRun(models.Model):
    """One press of "Emitir seleccionadas" (or an API call): the invoices it enqueued."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="creada por",
    )
    created_at = models.DateTimeField("creada", default=timezone.now)
    finished_at = models.DateTimeField("terminada", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "emisión masiva"
        verbose_name_plural = "emisiones masivas"

    def __str__(self):
        return f"Emisión masiva {self.pk}"


class BulkItem(models.Model):
    """One invoice of a bulk run. ``state`` is the work's, ``outcome`` what the submission said.

    An invoice is in at most one queued or running item (constraint): a second click, a second tab
    or an API retry adds nothing. A running item whose ``lease_until`` passed belongs to a worker
    that died: it is enqueued again (``attempt`` + 1); the submission service itself never sends a
    bill twice (row lock, reference lookup of a stale SUBMITTING row).
    """

    class State(models.TextChoices):
        QUEUED = "queued", "En cola"
        RUNNING = "running", "Emitiendo"
        DONE = "done", "Terminada"

    ACTIVE = (State.QUEUED, State.RUNNING)

    run = models.ForeignKey(BulkRun, models.CASCADE, related_name="items", verbose_name="emisión")
    invoice = models.ForeignKey(Invoice, models.CASCADE, related_name="bulk_items", verbose_name="factura")
    state = models.CharField("estado", max_length=10, choices=State.choices, default=State.QUEUED)
    outcome = models.CharField("resultado", max_length=20, blank=True)
    message = models.TextField("mensaje", blank=True)
    attempt = models.PositiveSmallIntegerField("intento", default=1)
    task_id = models.CharField("tarea", max_length=64, blank=True)
    run_after = models.DateTimeField("no antes de", null=True, blank=True)
    lease_until = models.DateTimeField("asignada hasta", null=True, blank=True)
    enqueued_at = models.DateTimeField("encolada", default=timezone.now)
    finished_at = models.DateTimeField("terminada", null=True, blank=True)

    class Meta:
        ordering = ["run", "id"]
        verbose_name = "factura de emisión masiva"
        verbose_name_plural = "facturas de emisión masiva"
        indexes = [models.Index(fields=["run", "state"], name="bulk_item_run_state_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(state__in=["queued", "running"]),
                name="bulk_item_one_active_per_invoice",
            ),
        ]

    def __str__(self):
        return f"{self.run_id}:{self.invoice_id}"


class FollowUp(models.Model):
    """Work the app does later without anyone clicking, one row per invoice and kind.

    ``due_at`` is when it runs next; a task that takes it moves ``due_at`` a lease ahead first, so a
    worker killed mid-way leaves a row that is simply due again (``invoicing.services.follow_up``).
    """

    class Kind(models.TextChoices):
        RECHECK = "recheck", "Consultar DIAN"
        RECONCILE = "reconcile", "Conciliar por referencia"
        EMAIL = "email", "Reintentar correo"

    invoice = models.ForeignKey(Invoice, models.CASCADE, related_name="follow_ups", verbose_name="factura")
    kind = models.CharField("tipo", max_length=10, choices=Kind.choices)
    round = models.PositiveSmallIntegerField("ronda", default=0)
    due_at = models.DateTimeField("próxima", default=timezone.now)
    data = models.JSONField("datos", default=dict, blank=True)
    created_at = models.DateTimeField("creada", default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = "seguimiento"
        verbose_name_plural = "seguimientos"
        indexes = [models.Index(fields=["due_at"], name="follow_up_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "kind"], name="follow_up_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.invoice_id}"
