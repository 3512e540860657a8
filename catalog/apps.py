from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catálogo"

    def ready(self):
        from catalog.search import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="catalog_sqlite_fold")
