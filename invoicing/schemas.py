"""Wire format of /api/v1/invoices (invoicing/api.py). Two create bodies: ours (customer and
products by our ids) and Factus v1's ``bills/validate`` body as it is (customer and items inline)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from ninja import Schema
from pydantic import Discriminator, Field, RootModel, Tag

from catalog.schemas import Money, Rate, RecordId, Strict
from core import bounds

Quantity = Annotated[int, Field(ge=1, le=bounds.MAX_QUANTITY)]
Price = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Short = Annotated[str, Field(max_length=250)]
PaymentFormCode = Literal["1", "2"]
Reference = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]


class Withholding(Strict):
    code: Annotated[str, Field(pattern="^(05|06|07)$")]
    rate: Percent


class ItemIn(Strict):
    """A line: ``product_id`` fills every field from our catalogue; any field given overrides it."""

    product_id: RecordId | None = None
    quantity: Quantity = 1
    code_reference: Annotated[str, Field(min_length=1, max_length=50)] | None = None
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    price: Price | None = Field(None, description="precio unitario con IVA incluido")
    discount_rate: Percent = Decimal("0")
    tax_rate: Percent | None = None
    is_excluded: bool | None = None
    unit_id: RecordId | None = None
    standard_code_id: RecordId | None = None
    tribute_id: RecordId | None = None
    withholdings: Annotated[list[Withholding], Field(max_length=3)] | None = None


class InvoiceIn(Strict):
    customer_id: RecordId
    numbering_range_id: RecordId | None = Field(
        None, description="id de /lookups/numbering-ranges; omitido: el predeterminado"
    )
    payment_form: PaymentFormCode = "1"
    payment_method_code: Annotated[str, Field(min_length=1, max_length=4)] = "10"
    payment_due_date: date | None = None
    observation: Short = ""
    send_email: bool = True
    items: Annotated[list[ItemIn], Field(min_length=1, max_length=bounds.MAX_ITEMS)]
    issue: bool = Field(False, description="true: crear y emitir en Factus en la misma solicitud")


# --- Factus v1 bills/validate, as documented (API.md) ---------------------------------------------

FactusId = Annotated[int, Field(ge=1, le=2_147_483_647)]


class FactusWithholding(Strict):
    code: Annotated[str, Field(pattern="^(05|06|07)$")]
    withholding_tax_rate: Percent


class FactusItem(Strict):
    code_reference: Annotated[str, Field(min_length=1, max_length=50)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    quantity: Quantity
    discount_rate: Percent = Decimal("0")
    price: Price
    tax_rate: Percent
    unit_measure_id: FactusId
    standard_code_id: FactusId
    is_excluded: bool = False
    tribute_id: FactusId
    withholding_taxes: Annotated[list[FactusWithholding], Field(max_length=3)] = []
    scheme_id: Annotated[str, Field(max_length=2)] | None = None
    note: Short | None = None
    mandate: dict[str, Any] | None = None


class FactusCustomer(Strict):
    identification_document_id: FactusId
    identification: Annotated[str, Field(min_length=1, max_length=20)]
    dv: Annotated[str, Field(max_length=1)] | Annotated[int, Field(ge=0, le=9)] | None = None
    company: Annotated[str, Field(max_length=200)] = ""
    trade_name: Annotated[str, Field(max_length=200)] = ""
    names: Annotated[str, Field(max_length=200)] = ""
    address: Annotated[str, Field(max_length=200)] = ""
    email: Annotated[str, Field(max_length=200)] = ""
    phone: Annotated[str, Field(max_length=30)] = ""
    legal_organization_id: FactusId
    tribute_id: FactusId
    municipality_id: FactusId | None = None


class FactusBillIn(Strict):
    document: Literal["01", "03"] = "01"
    numbering_range_id: FactusId | None = Field(
        None, description="id Factus; si no está disponible en esta cuenta se elige el predeterminado"
    )
    reference_code: Reference | None = Field(None, description="omitido: lo generamos")
    observation: Short = ""
    payment_form: PaymentFormCode = "1"
    payment_due_date: date | None = None
    payment_method_code: Annotated[str, Field(min_length=1, max_length=4)] = "10"
    send_email: bool = True
    operation_type: Annotated[str, Field(max_length=4)] | None = None
    order_reference: dict[str, Any] | None = None
    billing_period: dict[str, Any] | None = None
    establishment: dict[str, Any] | None = None
    related_documents: Annotated[list[dict[str, Any]], Field(max_length=20)] | None = None
    allowance_charges: Annotated[list[dict[str, Any]], Field(max_length=50)] | None = None
    customer: FactusCustomer
    items: Annotated[list[FactusItem], Field(min_length=1, max_length=bounds.MAX_ITEMS)]
    issue: bool = Field(False, description="true: crear y emitir (extensión nuestra)")


def _body_kind(value) -> str:
    return "factus" if isinstance(value, dict) and "customer" in value else "ours"


class CreateBody(RootModel):
    """Either body; told apart by ``customer`` (an object: Factus' body) or ``customer_id`` (ours)."""

    root: Annotated[
        Union[Annotated[InvoiceIn, Tag("ours")], Annotated[FactusBillIn, Tag("factus")]],  # noqa: UP007
        Discriminator(_body_kind),
    ]


class EmailIn(Strict):
    email: Annotated[str, Field(min_length=3, max_length=200)]


class MessageOut(Schema):
    message: str


# --- answers -------------------------------------------------------------------------------------


class CustomerRef(Schema):
    id: int
    display_name: str
    identification: str


class ItemOut(Schema):
    id: int = Field(description="id de la línea: el invoice_item_id de una nota crédito parcial")
    position: int
    product_id: int | None
    code_reference: str
    name: str
    quantity: int
    price: Money
    discount_rate: Rate
    tax_rate: Rate
    is_excluded: bool
    unit_id: int
    standard_code_id: int
    tribute_id: int
    withholdings: list[dict[str, str]]


class Totals(Schema):
    gross_value: Money | None
    taxable_amount: Money | None
    tax_amount: Money | None
    discount_amount: Money | None
    surcharge_amount: Money | None
    total: Money | None
    estimated_total: Money | None = Field(description="el nuestro, antes de que Factus totalice")


class EventOut(Schema):
    created_at: datetime
    action: str
    outcome: str
    message: str
    http_status: int | None
    user: str | None


class AttemptOut(Schema):
    kind: str
    label: str
    may_exist: str
    note: str


class InvoiceSummary(Schema):
    id: int
    reference_code: str
    number: str
    status: str
    status_label: str
    customer_id: int
    customer_name: str
    created_at: datetime
    total: Money | None
    estimated_total: Money | None


class InvoiceOut(InvoiceSummary):
    prefix: str
    cufe: str
    qr_url: str
    qr_image: str
    validated_at: datetime | None
    customer: CustomerRef
    numbering_range_id: int | None
    payment_form: str
    payment_method_code: str
    payment_due_date: date | None
    observation: str
    send_email: bool
    totals: Totals
    withholdings: list[dict[str, Any]]
    dian_messages: list[str]
    field_errors: dict[str, Any]
    items: list[ItemOut]
    events: list[EventOut]
    last_attempt: AttemptOut | None
    warnings: list[str] = []


class InvoicePage(Schema):
    items: list[InvoiceSummary]
    next_cursor: str | None = Field(description="pásela como ?cursor= para la página siguiente")


# --- credit notes (invoicing/credit_api.py) -------------------------------------------------------

CreditQuantity = Annotated[int, Field(ge=0, le=bounds.MAX_QUANTITY)]
PartialConcept = Literal["1", "3", "4", "5", "6"]


class CreditLineIn(Strict):
    invoice_item_id: RecordId
    quantity: CreditQuantity = Field(
        description="unidades devueltas (concepto 1) o a las que se aplica la rebaja"
    )
    price: Price | None = Field(
        None,
        description="omitido: el precio de la línea (devolución); si no, la rebaja por unidad con IVA "
        "(conceptos 3 a 6)",
    )


class CreditNoteIn(Strict):
    """A full note (``"void": true``: concept 2, every line at what is left) or a partial one
    (``concept`` and ``lines``)."""

    void: bool = Field(False, description="true: anular la factura (todo lo que queda por acreditar)")
    concept: PartialConcept | None = Field(
        None,
        description="1 devolución parcial; 3 rebaja; 4 ajuste de precio; 5 pronto pago; 6 volumen "
        '(el 2, anulación, es "void": true)',
    )
    lines: Annotated[list[CreditLineIn], Field(max_length=bounds.MAX_ITEMS)] = []
    observation: Short = ""
    payment_method_code: Annotated[str, Field(min_length=1, max_length=4)] | None = None
    issue: bool = Field(False, description="true: crear y emitir en Factus en la misma solicitud")


class CreditNoteItemOut(Schema):
    position: int
    invoice_item_id: int
    code_reference: str
    name: str
    quantity: int
    price: Money
    discount_rate: Rate
    tax_rate: Rate
    is_excluded: bool


class CreditNoteSummary(Schema):
    id: int
    invoice_id: int
    reference_code: str
    number: str
    status: str
    status_label: str
    concept: str
    concept_label: str
    created_at: datetime
    total: Money | None
    estimated_total: Money | None


class CreditNoteOut(CreditNoteSummary):
    prefix: str
    cude: str
    qr_url: str
    validated_at: datetime | None
    numbering_range_id: int | None
    payment_method_code: str
    observation: str
    totals: Totals
    dian_messages: list[str]
    field_errors: dict[str, Any]
    items: list[CreditNoteItemOut]
    events: list[EventOut]


class CreditNotePage(Schema):
    items: list[CreditNoteSummary]
    next_cursor: str | None = Field(description="pásela como ?cursor= para la página siguiente")


class BulkIssueIn(Strict):
    ids: Annotated[list[RecordId], Field(min_length=1, max_length=1000)] = Field(
        description="ids de borradores (u otras facturas emitibles) de esta aplicación"
    )


class BulkIssueOut(Schema):
    run_id: int | None = Field(description="la emisión masiva que las emite (None: no había nada que emitir)")
    added: int = Field(description="facturas puestas en cola ahora")
    already_queued: int = Field(description="ya estaban en cola o emitiéndose: no se agregan otra vez")
    not_issuable: int = Field(description="no existen o su estado no se puede emitir")
    progress_url: str | None = Field(description="la página de avance de la emisión")
