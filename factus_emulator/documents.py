"""Artefacts of a bill: CUFE, QR, PDF (fpdf2), UBL-like XML and the e-mail ZIP."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from xml.etree import ElementTree as ET

import segno
from fpdf import FPDF

from .families import of

QR_BASE = "https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey="
ENVIRONMENT = "2"  # DIAN "pruebas"


def cufe(parts: list[str], technical_key: str | None) -> str:
    """SHA-384 over the DIAN CUFE fields (number, date, time, totals, NITs, key, environment)."""
    text = "".join(parts) + (technical_key or "") + ENVIRONMENT
    return hashlib.sha384(text.encode("utf-8")).hexdigest()


def qr_image(url: str) -> str:
    buffer = io.BytesIO()
    # A fixed mask skips segno's mask scoring (3x faster); the code stays valid.
    qr = segno.make(url, error="m", micro=False, mask=0, boost_error=False)
    qr.save(buffer, kind="png", scale=3, border=2)
    return "data:image/png;base64, " + base64.b64encode(buffer.getvalue()).decode("ascii")


def file_name(record: dict) -> str:
    """DIAN file name, no extension: fv + NIT(10) + 000 + yy + 8 digits (SETP990000241 -> 241).

    The prefix is the family's (fv, nc, ds, na)."""
    prefix = of(record).file_prefix
    nit = record["data"]["company"]["nit"].zfill(10)
    year = record["issue_date"][2:4]
    return f"{prefix}{nit}000{year}{record['sequence'] % 10**6:08d}"


def _name(party: dict) -> str:
    """Credit notes' company block has no graphic_representation_name (see the fixture)."""
    return party.get("graphic_representation_name") or party.get("name") or ""


def _latin(text) -> str:
    return str(text if text is not None else "").encode("latin-1", "replace").decode("latin-1")


def pdf_bytes(record: dict) -> bytes:
    data, fam = record["data"], of(record)
    bill, company, customer = data[fam.header], data["company"], data[fam.party]
    title = bill["document"]["name"] if "document" in bill else fam.title
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, _latin(_name(company)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    for line in (
        f"NIT {company['nit']}-{company['dv']}",
        company["direction"],
        company["municipality"],
        company["email"],
    ):
        pdf.cell(0, 5, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, _latin(f"{title} {bill['number']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    party = "Cliente" if fam.party == "customer" else "Proveedor"
    for line in (
        f"{party}: {_name(customer)}",
        f"Identificación: {customer['identification']}",
        f"Fecha de validación: {bill['validated'] or '-'}",
        f"Código de referencia: {bill['reference_code']}",
    ):
        pdf.cell(0, 5, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _items_table(pdf, data["items"])
    pdf.ln(3)
    for name, key in (
        ("Subtotal", "gross_value"),
        ("IVA", "tax_amount"),
        ("Recargos", "surcharge_amount"),
        ("Descuentos", "discount_amount"),
        ("Total", "total"),
    ):
        pdf.cell(150, 5, _latin(name), align="R")
        pdf.cell(0, 5, bill.get(key, "0.00"), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", size=7)
    pdf.multi_cell(0, 4, f"{fam.key.upper()}: {bill[fam.key]}")
    return bytes(pdf.output())


def _items_table(pdf: FPDF, items: list[dict]) -> None:
    widths = (25, 75, 15, 25, 20, 30)
    pdf.set_font("Helvetica", "B", 8)
    for width, title in zip(
        widths, ("Código", "Descripción", "Cant.", "Precio", "IVA %", "Total"), strict=True
    ):
        pdf.cell(width, 6, _latin(title), border=1)
    pdf.ln()
    pdf.set_font("Helvetica", size=8)
    for item in items:
        row = (
            item["code_reference"],
            item["name"][:45],
            str(item["quantity"]),
            item["price"],
            item.get("tax_rate", "0.00"),
            f"{float(item['total']):.2f}",
        )
        for width, value in zip(widths, row, strict=True):
            pdf.cell(width, 5, _latin(value), border=1)
        pdf.ln()


ROOTS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
NS = {
    "": ROOTS["Invoice"],
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


def _el(parent, tag: str, text=None, **attrs):
    prefix, _, name = tag.rpartition(":")
    node = ET.SubElement(parent, f"{{{NS[prefix]}}}{name}", attrs)
    if text is not None:
        node.text = str(text)
    return node


def xml_bytes(record: dict) -> bytes:
    """UBL-2.1-like XML: ``Invoice`` (bills, support documents) or ``CreditNote`` (notes)."""
    data, fam = record["data"], of(record)
    for prefix, uri in NS.items():
        ET.register_namespace(prefix, uri)
    ET.register_namespace("", ROOTS[fam.xml_root])
    bill = data[fam.header]
    root = ET.Element(f"{{{ROOTS[fam.xml_root]}}}{fam.xml_root}")
    _el(root, "cbc:UBLVersionID", "UBL 2.1")
    _el(root, "cbc:ProfileExecutionID", ENVIRONMENT)
    _el(root, "cbc:ID", bill["number"])
    _el(root, "cbc:UUID", bill[fam.key], schemeName=f"{fam.key.upper()}-SHA384")
    _el(root, "cbc:IssueDate", record["issue_date"])
    code = bill["document"]["code"] if "document" in bill else fam.type_code
    _el(root, f"cbc:{fam.xml_root}TypeCode", code)
    company, party = data["company"], data[fam.party]
    sides = (
        ("AccountingSupplierParty", company, "nit"),
        ("AccountingCustomerParty", party, "identification"),
    )
    if fam.party == "provider":  # a support document is issued by the company as buyer
        sides = (
            ("AccountingSupplierParty", party, "identification"),
            ("AccountingCustomerParty", company, "nit"),
        )
    for role, party, ident in sides:
        node = _el(_el(root, f"cac:{role}"), "cac:Party")
        _el(_el(node, "cac:PartyName"), "cbc:Name", _name(party))
        _el(_el(node, "cac:PartyTaxScheme"), "cbc:CompanyID", party[ident])
    totals = _el(root, "cac:LegalMonetaryTotal")
    _el(totals, "cbc:LineExtensionAmount", bill["gross_value"], currencyID="COP")
    _el(totals, "cbc:TaxExclusiveAmount", bill["taxable_amount"], currencyID="COP")
    _el(totals, "cbc:ChargeTotalAmount", bill.get("surcharge_amount", "0.00"), currencyID="COP")
    _el(totals, "cbc:PayableAmount", bill["total"], currencyID="COP")
    for index, item in enumerate(data["items"], start=1):
        line = _el(root, f"cac:{fam.xml_root}Line")
        _el(line, "cbc:ID", index)
        quantity = "InvoicedQuantity" if fam.xml_root == "Invoice" else "CreditedQuantity"
        _el(line, f"cbc:{quantity}", item["quantity"], unitCode=item["unit_measure"]["code"])
        _el(line, "cbc:LineExtensionAmount", item["gross_value"], currencyID="COP")
        _el(_el(line, "cac:Item"), "cbc:Description", item["name"])
        _el(_el(line, "cac:Price"), "cbc:PriceAmount", item["price"], currencyID="COP")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def email_zip(record: dict) -> bytes:
    name = file_name(record)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.pdf", pdf_bytes(record))
        archive.writestr(f"ad{name[2:]}.xml", xml_bytes(record))
    return buffer.getvalue()


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
