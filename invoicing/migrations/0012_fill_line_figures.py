"""Fill the ``line_*`` figures of existing invoice and credit-note lines (invoicing.totals)."""

from decimal import Decimal, InvalidOperation

from django.db import migrations

from invoicing.totals import LineInput, compute_line

BATCH = 1000
# As invoicing.services.figures, written out so the migration does not follow later app changes.
COLUMNS = {"05": "line_rete_iva", "06": "line_rete_renta", "07": "line_rete_ica"}
FIELDS = ["line_total", "line_gross_value", "line_taxable_amount", "line_tax_amount", *COLUMNS.values()]


def _rates(raw):
    rates = []
    for entry in raw or []:
        if isinstance(entry, dict) and str(entry.get("code")) in COLUMNS:
            try:
                rates.append((str(entry["code"]), Decimal(str(entry.get("rate")))))
            except (InvalidOperation, ValueError):
                continue
    return tuple(r for r in rates if r[1].is_finite())


def _fill(line):
    computed = compute_line(
        LineInput(
            quantity=int(line.quantity),
            price=Decimal(line.price),
            discount_rate=Decimal(line.discount_rate or 0),
            tax_rate=Decimal(line.tax_rate or 0),
            is_excluded=bool(line.is_excluded),
            withholdings=_rates(line.withholdings),
        )
    )
    line.line_total = computed.total
    line.line_gross_value = computed.gross_value
    line.line_taxable_amount = computed.taxable_amount
    line.line_tax_amount = computed.tax_amount
    for code, column in COLUMNS.items():
        setattr(line, column, computed.withholdings.get(code, Decimal("0.00")))


def fill(apps, schema_editor):
    for name in ("InvoiceItem", "CreditNoteItem"):
        model = apps.get_model("invoicing", name)
        rows = model.objects.filter(line_total__isnull=True).only(
            "pk", "quantity", "price", "discount_rate", "tax_rate", "is_excluded", "withholdings"
        )
        batch = []
        for line in rows.order_by("pk").iterator(chunk_size=BATCH):
            _fill(line)
            batch.append(line)
            if len(batch) >= BATCH:
                model.objects.bulk_update(batch, FIELDS)
                batch = []
        model.objects.bulk_update(batch, FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0011_line_figures_and_reports"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
