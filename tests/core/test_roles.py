"""The roles as groups (core/roles.py, data migration core/0001_roles)."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission

from core.roles import ADMINISTRATION, BILLING, PENDING, READ_ONLY, ROLES, has_role, sync_roles

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def group_permissions(role: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_group_holds_its_table_row_less_what_does_not_exist_yet(role):
    assert group_permissions(role) == set(ROLES[role]) - PENDING


@pytest.mark.parametrize("action", ["add_", "change_", "delete_", "issue_", "email_", "import_", "sync_"])
def test_consulta_changes_nothing(action):
    assert [p for p in group_permissions(READ_ONLY) if p.split(".")[1].startswith(action)] == []


def test_consulta_reads_every_model_of_the_app():
    models = Permission.objects.filter(
        content_type__app_label__in=["catalog", "invoicing"], codename__startswith="view_"
    )
    every_view = {f"{p.content_type.app_label}.{p.codename}" for p in models}
    assert every_view - group_permissions(READ_ONLY) == set()


def test_administration_holds_everything_billing_holds():
    assert group_permissions(BILLING) - group_permissions(ADMINISTRATION) == set()


@pytest.mark.parametrize(
    "perm", ["invoicing.delete_at_factus", "invoicing.import_invoices", "catalog.sync_lookups"]
)
def test_only_administration_deletes_at_factus_imports_and_syncs(perm):
    holders = [role for role in ROLES if perm in group_permissions(role)]
    assert holders == [ADMINISTRATION]


def test_sync_roles_is_idempotent():
    before = {role: group_permissions(role) for role in ROLES}
    sync_roles()
    sync_roles()
    assert {role: group_permissions(role) for role in ROLES} == before


def test_sync_roles_restores_a_permission_removed_by_hand():
    group = Group.objects.get(name=BILLING)
    group.permissions.remove(Permission.objects.get(codename="issue_invoice"))
    sync_roles()
    assert "invoicing.issue_invoice" in group_permissions(BILLING)


def test_sync_roles_takes_away_a_permission_added_by_hand():
    Group.objects.get(name=READ_ONLY).permissions.add(Permission.objects.get(codename="issue_invoice"))
    sync_roles()
    assert "invoicing.issue_invoice" not in group_permissions(READ_ONLY)


def test_only_the_other_branches_permissions_are_missing():
    assert sync_roles() <= PENDING


def test_a_new_user_has_no_role(django_user_model):
    assert has_role(django_user_model.objects.create_user("nuevo")) is False


def test_a_superuser_has_every_role_s_rights(django_user_model):
    assert has_role(django_user_model.objects.create_superuser("jefe", password="x-clave-123")) is True


def test_an_inactive_user_with_a_role_has_none(make_user):
    user = make_user("ida", READ_ONLY)
    user.is_active = False
    assert has_role(user) is False


@pytest.mark.parametrize("perm", sorted({p for perms in ROLES.values() for p in perms}))
def test_the_docs_list_every_permission_of_the_table(perm):
    assert f"`{perm}`" in DOCS.read_text()


@pytest.mark.parametrize("role", ROLES)
def test_a_role_opens_the_admin_without_the_staff_flag(role, make_user, client):
    client.force_login(make_user("personal", role))
    assert client.get("/admin/").status_code == 200


def test_a_user_without_a_role_is_sent_to_the_admin_login(make_user, client):
    client.force_login(make_user("personal", is_staff=True))
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(("role", "shown"), [(READ_ONLY, True), (None, False)])
def test_the_admin_link_is_shown_to_who_may_open_it(role, shown, make_user, client):
    client.force_login(make_user("personal", role))
    assert ('href="/admin/"' in client.get("/").text) is shown
