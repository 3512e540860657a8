"""``python manage.py sync_invoices``: import bills and credit notes Factus has and we do not; refresh
the others (notes after bills: a note is linked to the invoice it corrects)."""

from django.core.management.base import BaseCommand

from invoicing.services import credit_notes_import, invoices_import


class Command(BaseCommand):
    help = (
        "Trae de Factus las facturas y notas crédito que la aplicación no conoce y actualiza el estado "
        "de las demás."
    )

    def handle(self, *args, **options):
        for summary in (invoices_import(), credit_notes_import()):
            for error in summary.errors:
                self.stderr.write(error)
            style = self.style.WARNING if summary.failed or summary.interrupted else self.style.SUCCESS
            self.stdout.write(style(str(summary)))
