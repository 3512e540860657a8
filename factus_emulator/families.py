"""What differs between the four document families; everything else is shared machinery."""

from __future__ import annotations

from dataclasses import dataclass


def pending_e1(message: str) -> dict:
    """Envelope E1 (API.md §1.4): the long 409 of bills and credit notes."""
    return {
        "status": "Conflict",
        "errors": [
            {"code": 409, "message": message, "params": [], "detail": "Conflict", "api_version": "v1"}
        ],
    }


def pending_e4(message: str) -> dict:
    """The short 409 of support documents and adjustment notes (E4 form)."""
    return {"status": "Conflict", "message": message}


@dataclass(frozen=True)
class Family:
    name: str  # State attribute holding the records
    header: str  # key of the document block inside ``data``
    party: str  # "customer" or "provider"
    key: str  # "cufe" | "cude" | "cuds"
    range_document: str  # numbering-range document code
    file_prefix: str  # DIAN file name prefix (fv, nc, ds, na)
    type_code: str | None  # DIAN document type in the e-mail subject (None: the bill's own)
    title: str  # printed on the PDF when the header has no ``document``
    xml_root: str  # UBL root element
    pending: dict  # 409 body when a pending document blocks a new one
    rule_prefix: str  # first letter(s) of DIAN rule codes (FAK24, CAK24, DSAK24, NSAK24)
    e3: bool  # 422 field errors use envelope E3 (else E2, Laravel's default)
    url: str  # list URL path
    email_sent: str = ""
    xml_not_validated: str | None = None  # a fixed 409 message for download-xml, if documented


BILLS = Family(
    name="bills",
    header="bill",
    party="customer",
    key="cufe",
    range_document="21",
    file_prefix="fv",
    type_code=None,
    title="Factura electrónica de Venta",
    xml_root="Invoice",
    pending=pending_e1("Se encontró una factura pendiente por enviar a la DIAN"),
    rule_prefix="F",
    e3=False,
    url="/v1/bills",
    email_sent="Factura enviada al cliente con éxito",
)
CREDIT_NOTES = Family(
    name="credit_notes",
    header="credit_note",
    party="customer",
    key="cude",
    range_document="22",
    file_prefix="nc",
    type_code="91",
    title="Nota Crédito",
    xml_root="CreditNote",
    pending=pending_e1("Se encontró una nota crédito pendiente por enviar a la DIAN"),
    rule_prefix="C",
    e3=False,
    url="/v1/credit-notes",
    email_sent="Nota crédito enviada al cliente con éxito",
    xml_not_validated="La nota crédito no ha sido validada",
)
SUPPORT_DOCUMENTS = Family(
    name="support_documents",
    header="support_document",
    party="provider",
    key="cuds",
    range_document="24",
    file_prefix="ds",
    type_code="05",
    title="Documento Soporte",
    xml_root="Invoice",
    pending=pending_e4("Se encontró un documento soporte por enviar a la DIAN"),
    rule_prefix="DS",
    e3=True,
    url="/v1/support-documents",
)
ADJUSTMENT_NOTES = Family(
    name="adjustment_notes",
    header="adjustment_note",
    party="provider",
    key="cuds",
    range_document="25",
    file_prefix="na",
    type_code="95",
    title="Nota de Ajuste Documento Soporte",
    xml_root="CreditNote",
    pending=pending_e4("Se encontró una nota de ajuste pendiente por enviar a la DIAN"),
    rule_prefix="NS",
    e3=True,
    url="/v1/adjustment-notes",
)

BY_NAME = {f.name: f for f in (BILLS, CREDIT_NOTES, SUPPORT_DOCUMENTS, ADJUSTMENT_NOTES)}


def of(record: dict) -> Family:
    """The family of a stored record (bills stored before families existed carry no tag)."""
    return BY_NAME[record.get("family", "bills")]
