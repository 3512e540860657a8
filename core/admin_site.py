"""The Django admin of this site: open to every user with a role, not only to "Es staff" users.

Django's default admin asks for ``is_staff``, a flag an administrator had to tick by hand on each
user besides giving the role (and a role without it could not reach the catalogues it may read or
maintain). Here the role is enough: ``has_permission`` is ``core.roles.has_role`` (an active user
with any permission, or a superuser). Inside, Django's own per-model permissions decide what each
role sees and changes, as before (docs/roles.md); users and groups stay a superuser's.
"""

from __future__ import annotations

from django.contrib import admin

from core.roles import has_role


class AdminSite(admin.AdminSite):
    site_header = "Facturación electrónica · Administración"
    site_title = "Administración"

    def has_permission(self, request) -> bool:
        return has_role(request.user)
