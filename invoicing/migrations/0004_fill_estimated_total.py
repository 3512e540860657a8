"""Fill Invoice.estimated_total for existing invoices from their items (invoicing.totals)."""

from decimal import Decimal

from django.db import migrations
from django.db.models import Prefetch

from invoicing.totals import LineInput, compute_invoice

BATCH = 500


def _line(item) -> LineInput:
    # As invoicing.services.drafts.items_total, written out so the migration does not follow later
    # changes to app code. Withholdings never change the total.
    return LineInput(quantity=int(item.quantity), price=Decimal(item.price),
                     discount_rate=Decimal(item.discount_rate), tax_rate=Decimal(item.tax_rate),
                     is_excluded=bool(item.is_excluded))


def fill(apps, schema_editor):
    Invoice = apps.get_model("invoicing", "Invoice")
    InvoiceItem = apps.get_model("invoicing", "InvoiceItem")
    items = InvoiceItem.objects.only("invoice_id", "quantity", "price", "discount_rate", "tax_rate",
                                     "is_excluded")
    invoices = (Invoice.objects.filter(estimated_total__isnull=True).only("pk")
                .prefetch_related(Prefetch("items", queryset=items)).order_by("pk"))
    batch = []
    for invoice in invoices.iterator(chunk_size=BATCH):
        lines = list(invoice.items.all())
        if not lines:
            continue
        invoice.estimated_total = compute_invoice([_line(item) for item in lines]).total
        batch.append(invoice)
        if len(batch) >= BATCH:
            Invoice.objects.bulk_update(batch, ["estimated_total"])
            batch = []
    Invoice.objects.bulk_update(batch, ["estimated_total"])


class Migration(migrations.Migration):

    dependencies = [
        ("invoicing", "0003_invoice_estimated_total"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
