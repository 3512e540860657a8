"""The project's own app configs (Django's documented place for an admin with its own site)."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """``django.contrib.admin`` with this site's AdminSite (core/admin_site.py) as ``admin.site``."""

    default_site = "core.admin_site.AdminSite"
