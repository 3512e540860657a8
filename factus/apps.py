from django.apps import AppConfig


class FactusConfig(AppConfig):
    """The Factus API client. No models; registered as an app only for its system checks."""

    name = "factus"
    verbose_name = "Cliente Factus"

    def ready(self):
        from factus import checks  # noqa: F401  (registers the system checks)
