"""Every URL of the site, walked for each role and for a user with no role.

The URLs come from Django's resolver, not from a list: a URL added later fails
``test_every_url_is_in_the_table`` until ``ROUTES`` says what it needs. What each role may do comes
from the role table (core/roles.py), so the walk checks the views against the table, not against
themselves. Path arguments are filled with real objects. Action views are sent a POST (the form's
method), pages a GET. Allowed means "not 403" (a form posted empty answers 422, a draft's PDF 502,
an action redirects); forbidden means the Spanish 403 page.
"""

from __future__ import annotations

import pytest
import responses
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.models import ApiToken
from core.roles import ADMINISTRATION, BILLING, READ_ONLY, ROLES
from factus_emulator import Sandbox
from factus_emulator.testing import register
from invoicing.models import BulkRun, CreditNote
from tests.catalog.factories import CustomerFactory, ProductFactory
from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db

BASE = "http://factus.walk.test"
NO_ROLE = None
WHO = [READ_ONLY, BILLING, ADMINISTRATION, NO_ROLE]
PUBLIC = "public"  # no login needed (login_not_required)
ANY_ROLE = "any"  # any logged-in user (the page itself tells a user without a role what to ask)

# URL name -> (method, the object its path argument names, permissions needed, any one of them suffices)
ROUTES: dict[str, tuple[str, str | None, tuple[str, ...] | str, bool]] = {
    "home": ("GET", None, ANY_ROLE, False),
    "healthz": ("GET", None, PUBLIC, False),
    "favicon": ("GET", None, PUBLIC, False),
    "login": ("GET", None, PUBLIC, False),
    "logout": ("POST", None, ANY_ROLE, False),
    "invoicing:invoice_list": ("GET", None, ("invoicing.view_invoice",), False),
    "invoicing:invoice_create": ("POST", None, ("invoicing.add_invoice",), False),
    "invoicing:invoice_totals": ("POST", None, ("invoicing.add_invoice", "invoicing.change_invoice"), True),
    "invoicing:invoice_export": ("GET", None, ("invoicing.view_invoice",), False),
    "invoicing:invoice_import": ("POST", None, ("invoicing.import_invoices",), False),
    "invoicing:invoice_detail": ("GET", "invoice", ("invoicing.view_invoice",), False),
    "invoicing:invoice_update": ("POST", "invoice", ("invoicing.change_invoice",), False),
    "invoicing:invoice_submit": ("POST", "invoice", ("invoicing.issue_invoice",), False),
    "invoicing:invoice_duplicate": ("POST", "invoice", ("invoicing.add_invoice",), False),
    "invoicing:invoice_pdf": ("GET", "invoice", ("invoicing.view_invoice",), False),
    "invoicing:invoice_xml": ("GET", "invoice", ("invoicing.view_invoice",), False),
    "invoicing:invoice_email": ("POST", "invoice", ("invoicing.email_invoice",), False),
    "invoicing:invoice_delete": ("POST", "invoice", ("invoicing.delete_at_factus",), False),
    "catalog:customer_list": ("GET", None, ("catalog.view_customer",), False),
    "catalog:customer_create": ("POST", None, ("catalog.add_customer",), False),
    "catalog:customer_update": ("POST", "customer", ("catalog.change_customer",), False),
    "catalog:customer_delete": ("POST", "customer", ("catalog.delete_customer",), False),
    "catalog:customer_search": ("GET", None, ("catalog.view_customer",), False),
    "catalog:acquirer_lookup": ("GET", None, ("catalog.add_customer", "catalog.change_customer"), True),
    "catalog:product_list": ("GET", None, ("catalog.view_product",), False),
    "catalog:product_create": ("POST", None, ("catalog.add_product",), False),
    "catalog:product_update": ("POST", "product", ("catalog.change_product",), False),
    "catalog:product_delete": ("POST", "product", ("catalog.delete_product",), False),
    "catalog:product_search": ("GET", None, ("catalog.view_product",), False),
    "catalog:unit_search": ("GET", None, ("catalog.view_measurementunit",), False),
    "catalog:municipality_search": ("GET", None, ("catalog.view_municipality",), False),
    "invoicing:invoice_bulk_issue": ("POST", None, ("invoicing.issue_invoice",), False),
    "invoicing:bulk_run_detail": ("GET", "bulk_run", ("invoicing.view_invoice",), False),
    "invoicing:invoice_print": ("GET", "invoice", ("invoicing.view_invoice",), False),
    "profile": ("GET", None, ANY_ROLE, False),  # personal API tokens: they act with the user's permissions
    "api_tokens": ("POST", None, ANY_ROLE, False),
    "api_token_revoke": ("POST", "token", ANY_ROLE, False),
    "invoicing:credit_note_void": (
        "POST",
        "invoice",
        ("invoicing.add_creditnote", "invoicing.issue_creditnote"),
        False,
    ),
    "invoicing:credit_note_create": ("POST", "invoice", ("invoicing.add_creditnote",), False),
    "invoicing:credit_note_totals": ("POST", "invoice", ("invoicing.add_creditnote",), False),
    "credit_notes:list": ("GET", None, ("invoicing.view_creditnote",), False),
    "credit_notes:export": ("GET", None, ("invoicing.view_creditnote",), False),
    "credit_notes:detail": ("GET", "credit_note", ("invoicing.view_creditnote",), False),
    "credit_notes:update": ("POST", "credit_note", ("invoicing.add_creditnote",), False),
    "credit_notes:submit": ("POST", "credit_note", ("invoicing.issue_creditnote",), False),
    "credit_notes:pdf": ("GET", "credit_note", ("invoicing.view_creditnote",), False),
    "credit_notes:xml": ("GET", "credit_note", ("invoicing.view_creditnote",), False),
    "credit_notes:email": ("POST", "credit_note", ("invoicing.email_creditnote",), False),
    "credit_notes:delete": ("POST", "credit_note", ("invoicing.delete_at_factus",), False),
    "reports:index": ("GET", None, ("invoicing.view_reports",), False),
    "reports:report": ("GET", "report", ("invoicing.view_reports",), False),
    "reports:report_csv": ("GET", "report", ("invoicing.view_reports",), False),
    "reports:report_xlsx": ("GET", "report", ("invoicing.view_reports",), False),
}
NO_ROLE_TEXT = "Su usuario no tiene un rol asignado"


def _patterns(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name


def site_urls() -> list[tuple[str, str | None]]:
    """(route, name) of every URL the resolver knows, the admin's and the JSON API's apart (the API
    is walked per operation with tokens: tests/api, every operation refuses a token without its
    permission)."""
    return [
        (route, name)
        for route, name in _patterns(get_resolver().url_patterns)
        if not route.startswith(("admin/", "api/v1/", "^api/v1/"))
    ]


def test_every_url_is_in_the_table():
    unlisted = [(route, name) for route, name in site_urls() if name not in ROUTES]
    assert unlisted == []


def test_the_table_names_only_urls_that_exist():
    assert set(ROUTES) - {name for _, name in site_urls()} == set()


def test_the_table_names_only_permissions_that_exist():
    existing = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    needed = {p for _, _, perms, _ in ROUTES.values() if isinstance(perms, tuple) for p in perms}
    assert needed - existing == set()


@pytest.fixture
def factus(settings):
    cache.clear()
    settings.FACTUS_BASE_URL = BASE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, Sandbox(seed=5), BASE)
        yield


@pytest.fixture
def objects():
    customer = CustomerFactory()
    product = ProductFactory()
    invoice = InvoiceFactory(customer=customer)
    InvoiceItemFactory(invoice=invoice, position=0, product=product)  # both in use: never deleted
    credit_note = CreditNote.objects.create(invoice=invoice)  # a draft: nothing sent by the walk
    run = BulkRun.objects.create()
    owner = get_user_model().objects.create_user("dueno-del-token")
    token = ApiToken.objects.create(user=owner, name="ajeno", prefix="x", token_hash="0" * 64)
    return {
        "invoice": invoice,
        "customer": customer,
        "product": product,
        "bulk_run": run,
        "credit_note": credit_note,
        "token": token,
        "report": "ventas-mes",
    }


def allowed(role: str | None, perms, any_of: bool) -> bool:
    if perms in (PUBLIC, ANY_ROLE):
        return True
    held = ROLES[role] if role else ()
    return any(p in held for p in perms) if any_of else all(p in held for p in perms)


def request_as(user, name: str, objects: dict):
    method, obj, _, _ = ROUTES[name]
    client = Client()
    client.force_login(user)  # a fresh session per URL: logout and deletes touch nothing else
    arg = objects[obj] if obj else None
    url = reverse(name, args=[getattr(arg, "pk", arg)] if obj else [])
    return client.post(url) if method == "POST" else client.get(url)


@pytest.mark.parametrize("role", WHO, ids=lambda r: r or "sin-rol")
def test_each_role_reaches_exactly_what_the_role_table_gives_it(role, make_user, objects, factus):
    user = make_user("probador", role)
    outcome = {}
    for _, name in site_urls():
        status = request_as(user, name, objects).status_code
        outcome[name] = "forbidden" if status == 403 else "allowed"
    expected = {
        name: "allowed" if allowed(role, perms, any_of) else "forbidden"
        for name, (_, _, perms, any_of) in ROUTES.items()
    }
    assert outcome == expected


@pytest.mark.parametrize(
    "name", [n for n, (_, _, perms, _) in ROUTES.items() if perms not in (PUBLIC, ANY_ROLE)]
)
def test_a_user_without_a_role_is_told_to_ask_for_one(name, make_user, objects):
    response = request_as(make_user("nadie"), name, objects)
    assert NO_ROLE_TEXT in response.text


def test_home_tells_a_user_without_a_role_what_to_ask(make_user, objects):
    response = request_as(make_user("nadie"), "home", objects)
    assert (response.status_code, NO_ROLE_TEXT in response.text) == (200, True)


def test_home_does_not_say_it_to_a_user_with_a_role(make_user, objects):
    assert NO_ROLE_TEXT not in request_as(make_user("lectora", READ_ONLY), "home", objects).text


def test_a_forbidden_page_names_no_missing_role_to_a_user_with_one(make_user, objects):
    response = request_as(make_user("lectora", READ_ONLY), "invoicing:invoice_submit", objects)
    assert "No tiene permiso para esta acción" in response.text


# --- the Django admin: its pages follow the model permissions of the role table ------------------

ADMIN_KINDS = {  # admin URL name suffix -> the permissions that open it (any one)
    "changelist": ("view", "change"),
    "change": ("view", "change"),
    "history": ("view", "change"),
    "add": ("add",),
    "delete": ("delete",),
}


def admin_model_urls() -> list[tuple[str, object, str]]:
    """(kind, model, URL) for every admin page of every registered model, with a real object."""
    rows = []
    for model in admin.site._registry:
        meta = model._meta
        instance = model._default_manager.first()
        for kind in ADMIN_KINDS:
            if kind in ("change", "history", "delete"):
                if instance is None:
                    continue
                url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{kind}", args=[instance.pk])
            else:
                url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{kind}")
            rows.append((kind, model, url))
    return rows


@pytest.mark.parametrize("role", [READ_ONLY, BILLING, ADMINISTRATION], ids=str)
def test_admin_pages_follow_the_role_table(role, make_user, admin_client, objects):
    user = make_user("personal", role)
    client = Client()
    client.force_login(user)
    held = set(ROLES[role])
    outcome, expected = {}, {}
    for kind, model, url in admin_model_urls():
        meta = model._meta
        exists = admin_client.get(url).status_code == 200  # the admin offers this page at all
        may = any(f"{meta.app_label}.{action}_{meta.model_name}" in held for action in ADMIN_KINDS[kind])
        outcome[url] = client.get(url).status_code == 200
        expected[url] = exists and may
    assert outcome == expected


def test_the_sync_action_is_offered_only_to_who_may_sync(make_user):
    client = Client()
    client.force_login(make_user("personal", BILLING))
    page = client.get(reverse("admin:catalog_municipality_changelist")).text
    assert "sync_from_factus" not in page


def test_the_sync_action_is_offered_to_administration(make_user):
    client = Client()
    client.force_login(make_user("personal", ADMINISTRATION))
    page = client.get(reverse("admin:catalog_municipality_changelist")).text
    assert "sync_from_factus" in page


def test_the_roles_are_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


def test_the_superuser_reaches_every_url(django_user_model, objects, factus):
    boss = django_user_model.objects.create_superuser("jefe", password="clave-del-jefe-123")
    refused = [name for _, name in site_urls() if request_as(boss, name, objects).status_code == 403]
    assert refused == []
