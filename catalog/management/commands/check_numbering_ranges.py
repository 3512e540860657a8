"""`manage.py check_numbering_ranges`: refresh the ranges from Factus and report those running out."""

from django.core.management.base import BaseCommand, CommandError

from catalog.selectors import numbering_range_warnings
from catalog.services import CatalogSyncError, catalog_sync


class Command(BaseCommand):
    help = (
        "Actualiza desde Factus los rangos de numeración y avisa de los que tienen pocos números o "
        "días (el aviso aparece también en cada página de la aplicación)."
    )

    def handle(self, *args, **options):
        try:
            catalog_sync(only=["numbering_ranges"])
        except CatalogSyncError as exc:
            raise CommandError(exc.message) from exc
        warnings = numbering_range_warnings()
        for warning in warnings:
            self.stdout.write(self.style.WARNING(warning))
        if not warnings:
            self.stdout.write("Los rangos de numeración tienen números y días suficientes.")
