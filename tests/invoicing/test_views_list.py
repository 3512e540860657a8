"""Invoice list, CSV export, import, permissions and bad input that must never be a 500."""

import csv
import io

import pytest
import responses
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factus_emulator import Sandbox
from factus_emulator.testing import register
from invoicing.models import Invoice
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory
from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db
BASE = "http://factus.list.test"


def make(number="", status=Invoice.Status.DRAFT, total=None, customer=None):
    invoice = InvoiceFactory(
        customer=customer or CustomerFactory(),
        numbering_range=NumberingRangeFactory(),
        number=number,
        status=status,
        total=total,
    )
    InvoiceItemFactory(invoice=invoice, position=0)
    return invoice


def test_empty_list_explains_what_to_do(user_client):
    html = user_client.get(reverse("invoicing:invoice_list")).text
    assert "Aún no hay facturas." in html and "Crear factura" in html


def test_empty_list_offers_the_import_to_who_may_import(manager_client):
    assert "Importar desde Factus" in manager_client.get(reverse("invoicing:invoice_list")).text


def test_empty_list_hides_the_import_from_who_may_not(user_client):
    assert "Importar desde Factus" not in user_client.get(reverse("invoicing:invoice_list")).text


def test_filters_badges_sorting_and_empty_filtered_state(user_client):
    make("SETP990000001", Invoice.Status.VALIDATED, 100)
    make("SETP990000002", Invoice.Status.REJECTED, 300)
    make("", Invoice.Status.DRAFT)
    url = reverse("invoicing:invoice_list")
    html = user_client.get(url, {"status": "validated"}).text
    assert "SETP990000001" in html and "SETP990000002" not in html
    assert 'class="badge text-bg-success">Validada' in html
    html = user_client.get(url, {"sort": "-total"}).text
    assert html.index("SETP990000002") < html.index("SETP990000001")
    assert 'aria-sort="descending"' in html
    html = user_client.get(url, {"sort": "total"}).text
    assert html.index("SETP990000001") < html.index("SETP990000002")
    html = user_client.get(url, {"number": "NOEXISTE"}).text
    assert "Ninguna factura coincide con los filtros." in html


def test_pagination_25_by_default_and_page_size_capped_at_100(user_client):
    customer = CustomerFactory()
    for _ in range(30):
        make(customer=customer)
    url = reverse("invoicing:invoice_list")
    first = user_client.get(url)
    assert len(first.context["page"].object_list) == 25 and "Página 1 de 2" in first.text
    assert "1–25 de 30 facturas" in first.text
    filtered = user_client.get(url, {"status": "draft"})
    next_url = f"?status=draft&amp;cursor={filtered.context['page'].next_cursor}"
    assert f'href="{next_url}"' in filtered.text  # the next page keeps the filter
    assert len(user_client.get(url, {"page_size": 10}).context["page"].object_list) == 10
    assert user_client.get(url, {"page_size": 5000}).context["page"].size == 100


def test_the_next_page_link_shows_the_rest(user_client):
    customer = CustomerFactory()
    for _ in range(30):
        make(customer=customer)
    url = reverse("invoicing:invoice_list")
    cursor = user_client.get(url).context["page"].next_cursor
    second = user_client.get(url, {"cursor": cursor})
    assert "26–30 de 30 facturas" in second.text


def test_an_altered_cursor_shows_the_first_page(user_client):
    make()
    response = user_client.get(reverse("invoicing:invoice_list"), {"cursor": "bm9ub25zZW5zZQ"})
    assert "1–1 de 1 factura" in response.text


def test_csv_export_streams_the_filtered_rows(user_client):
    customer = CustomerFactory(names="=HYPERLINK(malo)")
    make("SETP990000001", Invoice.Status.VALIDATED, "1335000.00", customer=customer)
    make("SETP990000002", Invoice.Status.REJECTED, 10)
    response = user_client.get(reverse("invoicing:invoice_export"), {"status": "validated"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="facturas-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Número", "Referencia", "Fecha"]
    assert len(rows) == 2
    assert rows[1][0] == "SETP990000001" and rows[1][8] == "1335000.00"
    assert rows[1][3] == "'=HYPERLINK(malo)"  # never a formula in a spreadsheet


def export_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("invoicing:invoice_export"))
        rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    return len(ctx.captured_queries), len(rows)


def test_csv_export_queries_do_not_grow_with_the_rows(user_client):
    for n in range(3):
        make(f"SETP99000000{n}", Invoice.Status.VALIDATED, 100)
    few, lines = export_queries(user_client)
    for n in range(3, 12):
        make(f"SETP9900000{n:02d}", Invoice.Status.VALIDATED, 100)
    many, more_lines = export_queries(user_client)
    assert (lines, more_lines) == (4, 13)
    assert many == few


def test_import_from_factus_reports_the_summary(manager_client, settings):
    user_client = manager_client
    cache.clear()
    settings.FACTUS_BASE_URL = BASE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, Sandbox(seed=2), BASE)
        response = user_client.post(reverse("invoicing:invoice_import"), follow=True)
    assert response.status_code == 200
    assert any("Importación desde Factus terminada" in str(m) for m in response.context["messages"])


def test_import_when_factus_is_down_is_a_message(manager_client, settings):
    user_client = manager_client
    cache.clear()
    settings.FACTUS_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    response = user_client.post(reverse("invoicing:invoice_import"), follow=True)
    assert response.status_code == 200
    assert any("Importación desde Factus interrumpida" in str(m) for m in response.context["messages"])


@pytest.mark.parametrize("name", ["invoice_list", "invoice_create", "invoice_export"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(f"invoicing:{name}"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_post_only_views_refuse_get(user_client):
    invoice = make()
    for name in ("invoice_submit", "invoice_duplicate"):
        assert user_client.get(reverse(f"invoicing:{name}", args=[invoice.pk])).status_code == 405
    assert user_client.get(reverse("invoicing:invoice_totals")).status_code == 405


text = st.text(max_size=30)
odd = st.sampled_from(["", "1", "-1", "1e9", "0.001", "NaN", "Infinity", "٣", "10,5"])
junk = st.one_of(text, st.integers(-(10**20), 10**20).map(str), odd)
FIELDS = [
    "customer",
    "numbering_range",
    "payment_form",
    "payment_method",
    "payment_due_date",
    "observation",
    "action",
    "items-TOTAL_FORMS",
    "items-INITIAL_FORMS",
    "items-0-quantity",
    "items-0-price",
    "items-0-discount_rate",
    "items-0-tax_rate",
    "items-0-unit",
    "items-0-product",
    "items-0-tribute",
    "items-0-withholding_05",
    "items-1-price",
    "items-5-name",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(FIELDS), junk, max_size=len(FIELDS)))
def test_bad_post_data_never_gives_a_500(user_client, data):
    for name in ("invoice_create", "invoice_totals"):
        response = user_client.post(reverse(f"invoicing:{name}"), data)
        assert response.status_code in (200, 302, 422)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "status",
                "date_from",
                "date_to",
                "customer",
                "number",
                "reference",
                "q",
                "sort",
                "page",
                "page_size",
            ]
        ),
        junk,
    )
)
def test_bad_list_parameters_never_give_a_500(user_client, params):
    assert user_client.get(reverse("invoicing:invoice_list"), params).status_code == 200
    assert user_client.get(reverse("invoicing:invoice_export"), params).status_code == 200


def _list_page(client, params=None) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("invoicing:invoice_list"), params or {}).text
    return html, len(queries)


def test_list_page_does_not_grow_with_the_number_of_customers(user_client):
    for _ in range(5):
        make()
    small, small_queries = _list_page(user_client)
    CustomerFactory.create_batch(195)
    for customer in CustomerFactory.create_batch(5):
        make(customer=customer)
    large, large_queries = _list_page(user_client)
    # 10 invoices either way fit in the first page: only the rows differ, never the filter.
    assert small.count("<option") == large.count("<option")
    assert small_queries == large_queries
    assert 'data-picker="customer"' in large and 'role="combobox"' in large


def test_filter_by_customer_through_the_hidden_id(user_client):
    ana = CustomerFactory(names="Ana Gómez", identification="52000111")
    make("SETP990000001", customer=ana)
    make("SETP990000002")
    CustomerFactory.create_batch(20)
    url = reverse("invoicing:invoice_list")
    html, filtered_queries = _list_page(user_client, {"customer": ana.pk})
    _, unfiltered_queries = _list_page(user_client)
    assert "SETP990000001" in html and "SETP990000002" not in html
    # The picker shows the chosen customer, found once (the field's clean), and the hidden id.
    assert f'name="customer" value="{ana.pk}"' in html
    assert 'value="Ana Gómez · 52000111"' in html
    assert filtered_queries == unfiltered_queries + 1
    # A customer without invoices is a valid filter with an empty result; a bad id is ignored.
    html = user_client.get(url, {"customer": CustomerFactory().pk}).text
    assert "Ninguna factura coincide con los filtros." in html
    html = user_client.get(url, {"customer": 999999}).text
    assert "SETP990000001" in html and "Elija un cliente de la lista." in html


def _seed_draft(user, customer=None):
    """A draft made by the service from the seed line (1 × 1 500 000, 11 %, 19 % IVA)."""
    from invoicing.services import invoice_create_draft
    from tests.invoicing.factories import item_dict

    return invoice_create_draft(
        user=user,
        items=[item_dict()],
        customer_id=(customer or CustomerFactory()).pk,
        numbering_range_id=NumberingRangeFactory().pk,
        payment_form="1",
        payment_method_code="10",
        payment_due_date=None,
        observation="",
        send_email=False,
    )


def test_unvalidated_rows_show_our_total_marked_as_not_validated(user_client, user):
    draft = _seed_draft(user)
    make("SETP990000001", Invoice.Status.VALIDATED, "2000000.00")
    html, queries = _list_page(user_client)
    row = html[html.index(draft.reference_code) :]
    row = row[: row.index("</tr>")]
    assert "$ 1.335.000,00" in row and "(calculado, sin validar)" in row and "—" not in row
    assert "$ 2.000.000,00" in html and html.count("(calculado, sin validar)") == 1
    for _ in range(5):
        _seed_draft(user)
    assert _list_page(user_client)[1] == queries  # no query per row


def test_sort_by_total_uses_factus_total_else_ours(user_client, user):
    _seed_draft(user)  # ours: 1 335 000
    make("SETP990000001", Invoice.Status.VALIDATED, "100.00")
    make("SETP990000002", Invoice.Status.VALIDATED, "2000000.00")
    url = reverse("invoicing:invoice_list")
    html = user_client.get(url, {"sort": "total"}).text
    assert html.index("SETP990000001") < html.index("$ 1.335.000,00") < html.index("SETP990000002")
    html = user_client.get(url, {"sort": "-total"}).text
    assert html.index("SETP990000002") < html.index("$ 1.335.000,00") < html.index("SETP990000001")


def test_csv_has_our_total_only_where_factus_has_none(user_client, user):
    draft = _seed_draft(user)
    make("SETP990000001", Invoice.Status.VALIDATED, "2000000.00")
    response = user_client.get(reverse("invoicing:invoice_export"), {"sort": "number"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][8:] == ["Total", "CUFE", "Total calculado (sin validar)"]
    ours = next(row for row in rows[1:] if row[1] == draft.reference_code)
    assert ours[8] == "" and ours[10] == "1335000.00"
    validated = next(row for row in rows[1:] if row[0] == "SETP990000001")
    assert validated[8] == "2000000.00" and validated[10] == ""


@pytest.mark.parametrize("value", ["¹", "²3", "٣", "１２"])
def test_non_ascii_digits_in_the_customer_filter_are_ignored(user_client, value):
    # str.isdigit() is true for superscripts and other scripts' digits, and int() refuses some.
    assert user_client.get(reverse("invoicing:invoice_list"), {"customer": value}).status_code == 200
