"""`manage.py sync_lookups`: mirror the Factus catalogues into the database."""

from django.core.management.base import BaseCommand, CommandError

from catalog.services import CATALOGUES, CatalogSyncError, catalog_keys, catalog_sync


class Command(BaseCommand):
    help = (
        "Sincroniza desde Factus los catálogos (municipios, unidades, países, tributos y "
        "rangos de numeración). Crea y actualiza por id de Factus y desactiva lo que ya no existe."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            default="",
            metavar="LISTA",
            help=f"Catálogos separados por comas: {','.join(CATALOGUES)}.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Muestra lo que cambiaría sin escribir en la base de datos.",
        )

    def handle(self, *args, only, dry_run, **options):
        try:
            keys = catalog_keys(only.split(",") if only else None)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            results = catalog_sync(only=keys, dry_run=dry_run, progress=self._progress)
        except CatalogSyncError as exc:
            for result in exc.results:
                self.stdout.write(result.line())
            raise CommandError(exc.message) from exc
        for result in results:
            self.stdout.write(self.style.SUCCESS(result.line()) if result.changed else result.line())

    def _progress(self, label: str, stage: str) -> None:
        self.stderr.write(f"… {label}: {stage}", ending="\n")
        self.stderr.flush()
