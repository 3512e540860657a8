"""``python manage.py sync_invoices``: import bills Factus has and we do not; refresh the others."""

from django.core.management.base import BaseCommand

from invoicing.services import invoices_import


class Command(BaseCommand):
    help = "Trae de Factus las facturas que la aplicación no conoce y actualiza el estado de las demás."

    def handle(self, *args, **options):
        summary = invoices_import()
        for error in summary.errors:
            self.stderr.write(error)
        style = self.style.WARNING if summary.failed or summary.interrupted else self.style.SUCCESS
        self.stdout.write(style(str(summary)))
