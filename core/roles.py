"""The roles: Django groups and the permissions each one holds (the one home of that table).

``ROLES`` is read by the data migration ``core/0001_roles``, by the post-migrate hook (so a
permission that appears later, e.g. the credit notes' or the API tokens', lands in its role on the
next ``migrate``), by the tests that walk every URL, and is written out in docs/roles.md.

The table is the truth: ``sync_roles`` sets each group to exactly these permissions, so a
permission added to a role by hand in the admin is removed by the next ``migrate``. A different
mix belongs in a new group, not in these three.
"""

from __future__ import annotations

import logging

from django.apps import apps as global_apps

logger = logging.getLogger(__name__)

BILLING = "Facturación"
READ_ONLY = "Consulta"
ADMINISTRATION = "Administración"

# Factus catalogues (lookups): synced from Factus or loaded by catalog/0002; read by everyone with a
# role, maintained (admin) by Administración only.
LOOKUP_MODELS = (
    "municipality",
    "country",
    "tribute",
    "measurementunit",
    "numberingrange",
    "identificationdocumenttype",
    "legalorganization",
    "customertribute",
    "standardcode",
    "paymentmethod",
    "paymentform",
    "withholdingcode",
    "billdocumenttype",
    "operationtype",
)
MASTER_MODELS = ("customer", "product", "productwithholding")
DOCUMENT_MODELS = (
    "invoice",
    "invoiceitem",
    "invoiceevent",
    "creditnote",
    "creditnoteitem",
    "creditnoteevent",
)

# Background work on invoices (bulk runs, follow-ups): read by every role, written by the workers.
WORK_MODELS = ("bulkrun", "bulkitem", "followup")
READ = (
    *(f"catalog.view_{model}" for model in (*LOOKUP_MODELS, *MASTER_MODELS)),
    *(f"invoicing.view_{model}" for model in (*DOCUMENT_MODELS, *WORK_MODELS)),
    "invoicing.view_reports",  # Informes (sales, IVA, withholdings)
)
# Customers and products: add, change, view and delete (delete refuses one already invoiced).
MASTER_DATA = tuple(
    f"catalog.{action}_{model}" for model in MASTER_MODELS for action in ("add", "change", "delete")
)
BILLING_ACTIONS = (
    "invoicing.add_invoice",  # new draft, duplicate
    "invoicing.change_invoice",  # edit a draft
    "invoicing.issue_invoice",  # Emitir, Reintentar, Verificar en Factus
    "invoicing.email_invoice",
    "invoicing.add_creditnote",
    "invoicing.issue_creditnote",
    "invoicing.email_creditnote",
)
ADMINISTRATION_ACTIONS = (
    "invoicing.delete_at_factus",  # invoices and credit notes
    "invoicing.import_invoices",
    "catalog.sync_lookups",
    *(f"catalog.{action}_{model}" for model in LOOKUP_MODELS for action in ("add", "change")),
    # Other users' API tokens (list and revoke them in the admin).
    "api.view_apitoken",
    "api.change_apitoken",
    "api.delete_apitoken",
)

ROLES: dict[str, tuple[str, ...]] = {
    READ_ONLY: READ,
    BILLING: (*READ, *MASTER_DATA, *BILLING_ACTIONS),
    ADMINISTRATION: (*READ, *MASTER_DATA, *BILLING_ACTIONS, *ADMINISTRATION_ACTIONS),
}

# Permissions the table may name before their migration has run (none today); ``sync_roles`` skips
# them until then. Anything else missing is a typo.
PENDING: frozenset[str] = frozenset()


def role_permissions(role: str) -> frozenset[str]:
    """The ``app_label.codename`` permissions of ``role`` (KeyError for an unknown role)."""
    return frozenset(ROLES[role])


def has_role(user) -> bool:
    """Whether ``user`` may use anything at all: a superuser, or any permission (role or direct)."""
    return bool(user.is_active and (user.is_superuser or user.get_all_permissions()))


def _ensure_permissions(apps, using: str) -> None:
    """Create the content types and permissions of every installed app now (Django does it only
    after all migrations ran), so the roles can hold them inside a migration."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        stub = getattr(app_config, "models_module", None) is None
        if stub:  # migration state apps carry no models module; create_permissions skips those
            app_config.models_module = True
        try:
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
        finally:
            if stub:
                app_config.models_module = None


def sync_roles(*, apps=global_apps, using: str = "default") -> set[str]:
    """Create the three groups and set each to exactly its permissions in ``ROLES``; idempotent.

    Returns the permissions of the table that do not exist (yet) in the database.
    """
    _ensure_permissions(apps, using)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    wanted = {name for names in ROLES.values() for name in names}
    found = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in permission_model.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
        if f"{app_label}.{codename}" in wanted
    }
    missing = wanted - found.keys()
    if missing - PENDING:
        logger.warning("Roles: permissions that do not exist: %s", ", ".join(sorted(missing - PENDING)))
    for role, names in ROLES.items():
        group, _ = group_model.objects.using(using).get_or_create(name=role)
        group.permissions.set([found[name] for name in names if name in found])
    return missing


def sync_roles_after_migrate(sender, *, apps=global_apps, using="default", **kwargs) -> None:
    """post_migrate receiver (auth's signal, once per migrate): later permissions join the roles."""
    sync_roles(apps=apps, using=using)
