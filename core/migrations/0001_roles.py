"""The roles "Facturación", "Consulta" and "Administración" as groups with their permissions.

The table lives in core/roles.py (docs/roles.md); ``sync_roles`` runs again after every
``migrate`` (core.apps), so permissions of later migrations (credit notes, API tokens) join their
roles then. At merge this migration may depend on those migrations as well.
"""

from django.db import migrations


def create_roles(apps, schema_editor):
    from core.roles import sync_roles

    sync_roles(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0003_permissions"),
        ("invoicing", "0014_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
