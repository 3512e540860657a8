from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Sitio"

    def ready(self):
        from core import checks  # noqa: F401  (registers the system checks)
        from core.roles import sync_roles_after_migrate

        # After every migrate (and every test flush): permissions created later join their roles.
        # Tied to auth's signal, sent once per migrate; core has no models, so Django sends it none.
        post_migrate.connect(
            sync_roles_after_migrate, sender=apps.get_app_config("auth"), dispatch_uid="core.sync_roles"
        )
