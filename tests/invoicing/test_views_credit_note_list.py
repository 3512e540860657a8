"""The credit-note list, its CSV, the note's detail page and the rules every credit-note page keeps
(login, permissions, 405, CSRF, 404), with rows made in the database (no Factus call)."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.roles import READ_ONLY
from invoicing.models import CreditNote, CreditNoteEvent, CreditNoteItem, Invoice
from tests.invoicing.factories import CustomerFactory, InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db


def validated_invoice(name="Andrea Gómez", number="SETP990000001", total="119000.00"):
    invoice = InvoiceFactory(
        customer=CustomerFactory(names=name),
        status=Invoice.Status.VALIDATED,
        number=number,
        total=Decimal(total),
    )
    InvoiceItemFactory(invoice=invoice, position=0, quantity=1, price=Decimal(total))
    return invoice


def note(invoice, *, number="", status=CreditNote.Status.VALIDATED, concept="2", total="119000.00", **fields):
    credit_note = CreditNote.objects.create(
        invoice=invoice,
        number=number,
        status=status,
        correction_concept=concept,
        total=Decimal(total) if total is not None else None,
        **fields,
    )
    item = invoice.items.first()
    CreditNoteItem.objects.create(
        credit_note=credit_note,
        invoice_item=item,
        code_reference=item.code_reference,
        name=item.name,
        quantity=1,
        price=item.price,
        tax_rate=item.tax_rate,
        unit=item.unit,
        standard_code=item.standard_code,
        tribute=item.tribute,
    )
    return credit_note


def rows_of(html: str) -> int:
    return html.count('href="/notas-credito/') - html.count('href="/notas-credito/exportar')


# --- list ------------------------------------------------------------------------------------------


def test_the_main_nav_links_the_credit_notes(user_client):
    html = user_client.get(reverse("home")).text
    assert f'href="{reverse("credit_notes:list")}">Notas crédito</a>' in html


def test_empty_list_says_where_notes_are_made(user_client):
    html = user_client.get(reverse("credit_notes:list")).text
    assert "Aún no hay notas crédito." in html


def test_list_shows_number_invoice_customer_concept_status_and_total(user_client):
    credit_note = note(validated_invoice(), number="NC1")
    html = user_client.get(reverse("credit_notes:list")).text
    assert reverse("credit_notes:detail", args=[credit_note.pk]) in html
    assert "SETP990000001" in html
    assert "Andrea Gómez" in html
    assert "Anulación de factura electrónica" in html
    assert "$ 119.000,00" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "validated"}, {"NC1"}),
        ({"status": "rejected"}, {"NC2"}),
        ({"concept": "1"}, {"NC2"}),
        ({"q": "Bernal"}, {"NC2"}),
        ({"q": "nc1"}, {"NC1"}),
        ({"invoice": "SETP990000002"}, {"NC2"}),
        ({"date_from": "2020-01-01", "date_to": "2020-01-31"}, {"NC1"}),
    ],
)
def test_filters(user_client, params, expected):
    note(validated_invoice(), number="NC1", created_at=timezone.make_aware(timezone.datetime(2020, 1, 15)))
    note(
        validated_invoice("Bernal Ruiz", "SETP990000002"),
        number="NC2",
        status=CreditNote.Status.REJECTED,
        concept="1",
    )
    html = user_client.get(reverse("credit_notes:list"), params).text
    assert {n for n in ("NC1", "NC2") if f">{n}</a>" in html} == expected


def test_an_invalid_filter_is_reported_and_ignored(user_client):
    note(validated_invoice(), number="NC1")
    response = user_client.get(reverse("credit_notes:list"), {"date_from": "ayer", "status": "nada"})
    assert response.status_code == 200
    assert "Fecha no válida." in response.text
    assert ">NC1</a>" in response.text


def test_sort_by_total_toggles_and_keeps_the_filters(user_client):
    invoice = validated_invoice()
    note(invoice, number="NC1", total="1000.00")
    note(invoice, number="NC2", total="5000.00")
    html = user_client.get(reverse("credit_notes:list"), {"orden": "total", "status": "validated"}).text
    assert html.index(">NC1</a>") < html.index(">NC2</a>")
    assert 'aria-sort="ascending"' in html
    assert 'href="?orden=-total&amp;status=validated"' in html


def test_pagination_keeps_the_filters(user_client):
    invoice = validated_invoice()
    for n in range(26):
        note(invoice, number=f"NC{n}")
    response = user_client.get(reverse("credit_notes:list"), {"status": "validated"})
    assert f"?status=validated&amp;cursor={response.context['page'].next_cursor}" in response.text


def test_the_last_page_of_notes_ends_with_the_first_made(user_client):
    invoice = validated_invoice()
    first = note(invoice, number="NC0")
    for n in range(1, 26):
        note(invoice, number=f"NC{n}")
    page = user_client.get(reverse("credit_notes:list")).context["page"]
    last = user_client.get(reverse("credit_notes:list"), {"cursor": page.last_cursor}).context["page"]
    assert last.object_list[-1].pk == first.pk


def test_csv_export_keeps_the_filters(user_client):
    note(validated_invoice(), number="NC1", cude="abc123")
    note(
        validated_invoice("Bernal Ruiz", "SETP990000002"),
        number="NC2",
        status=CreditNote.Status.DRAFT,
        total=None,
    )
    response = user_client.get(reverse("credit_notes:export"), {"status": "validated"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["NC1"]
    assert rows[1][3] == "SETP990000001" and rows[1][11] == "abc123"


def test_the_list_link_to_the_csv_carries_the_filters(user_client):
    html = user_client.get(reverse("credit_notes:list"), {"status": "validated", "page": "2"}).text
    assert f'href="{reverse("credit_notes:export")}?status=validated"' in html


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(
        st.sampled_from(["status", "concept", "date_from", "date_to", "q", "invoice", "orden", "page"]),
        st.one_of(st.text(max_size=30), st.sampled_from(["", "-1", "٣", "2020-02-30", "-total,fecha"])),
    )
)
def test_bad_list_parameters_never_give_a_500(user_client, params):
    assert user_client.get(reverse("credit_notes:list"), params).status_code == 200
    assert user_client.get(reverse("credit_notes:export"), params).status_code == 200


# --- detail ----------------------------------------------------------------------------------------


def test_detail_shows_number_cude_qr_totals_and_the_corrected_invoice(user_client):
    invoice = validated_invoice()
    credit_note = note(
        invoice,
        number="NC7",
        cude="cude-123",
        qr_url="https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey=cude-123",
        qr_image="data:image/png;base64,AAAA",
        dian_messages=["Regla: CAJ43b, Notificación: Nombre informado"],
    )
    CreditNoteEvent.objects.create(
        credit_note=credit_note, action="submit", outcome="validated", message="Validada"
    )
    html = user_client.get(reverse("credit_notes:detail", args=[credit_note.pk])).text
    assert "Nota crédito NC7" in html
    assert "cude-123</code>" in html
    assert 'alt="Código QR de la nota crédito NC7"' in html
    assert f'href="{reverse("invoicing:invoice_detail", args=[invoice.pk])}" data-corrected-invoice' in html
    assert 'id="credit-note-total">$ 119.000,00' in html
    assert "Notificación:" in html
    assert "Ver PDF" in html
    assert reverse("credit_notes:xml", args=[credit_note.pk]) in html


def test_detail_of_a_missing_note_is_404(user_client):
    assert user_client.get(reverse("credit_notes:detail", args=[999999])).status_code == 404


def test_every_page_needs_a_login(client):
    credit_note = note(validated_invoice(), number="NC1")
    for url in (
        reverse("credit_notes:list"),
        reverse("credit_notes:export"),
        reverse("credit_notes:detail", args=[credit_note.pk]),
        reverse("invoicing:credit_note_void", args=[credit_note.invoice_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.fixture
def reader_client(client, make_user):
    """Role "Consulta": reads every note, makes, issues and e-mails none."""
    client.force_login(make_user("lectora", READ_ONLY))
    return client


@pytest.fixture
def issuer(user):
    """Role "Facturación" (makes, issues and e-mails notes) and the right to delete them at Factus."""
    user.user_permissions.add(Permission.objects.get(codename="delete_at_factus"))
    return user


@pytest.mark.parametrize("name", ["credit_note_void", "credit_note_create"])
def test_making_a_note_needs_the_permission(reader_client, name):
    invoice = validated_invoice()
    url = reverse(f"invoicing:{name}", args=[invoice.pk])
    assert reader_client.get(url).status_code == 403
    assert reader_client.post(url).status_code == 403
    assert not CreditNote.objects.exists()


@pytest.mark.parametrize("name", ["update", "submit", "email"])
def test_acting_on_a_note_needs_the_permission(reader_client, name):
    credit_note = note(validated_invoice(), status=CreditNote.Status.DRAFT, total=None)
    assert reader_client.post(reverse(f"credit_notes:{name}", args=[credit_note.pk])).status_code == 403


def test_deleting_a_note_needs_the_delete_permission(client, user):
    client.force_login(user)  # "Facturación": makes and issues notes, deletes none at Factus
    credit_note = note(validated_invoice(), status=CreditNote.Status.REJECTED, total=None)
    assert client.post(reverse("credit_notes:delete", args=[credit_note.pk])).status_code == 403
    assert CreditNote.objects.get().status == CreditNote.Status.REJECTED


def test_without_permissions_the_buttons_are_hidden(user_client):
    credit_note = note(validated_invoice(), number="NC1", status=CreditNote.Status.REJECTED, total=None)
    html = user_client.get(reverse("credit_notes:detail", args=[credit_note.pk])).text
    assert "Eliminar en Factus y corregir</button>" not in html
    assert "Pida a un usuario con permiso" in html


def test_post_only_views_refuse_get(client, issuer):
    client.force_login(issuer)
    credit_note = note(validated_invoice(), status=CreditNote.Status.DRAFT, total=None)
    assert client.get(reverse("credit_notes:submit", args=[credit_note.pk])).status_code == 405
    assert (
        client.get(reverse("invoicing:credit_note_totals", args=[credit_note.invoice_id])).status_code == 405
    )


def test_read_only_views_refuse_post(user_client):
    credit_note = note(validated_invoice(), number="NC1")
    assert user_client.post(reverse("credit_notes:list")).status_code == 405
    assert user_client.post(reverse("credit_notes:detail", args=[credit_note.pk])).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(issuer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(issuer)
    invoice = validated_invoice()
    response = client.post(reverse("invoicing:credit_note_void", args=[invoice.pk]), {"observation": ""})
    assert response.status_code == 403
    assert not CreditNote.objects.exists()


@pytest.mark.parametrize("name", ["credit_note_void", "credit_note_create", "credit_note_totals"])
def test_a_missing_invoice_is_404(client, issuer, name):
    client.force_login(issuer)
    assert client.post(reverse(f"invoicing:{name}", args=[999999])).status_code == 404


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        b"".join(response.streaming_content) if response.streaming else response.content
    return len(queries)


@pytest.mark.parametrize("name", ["credit_notes:list", "credit_notes:export"])
def test_the_list_and_the_csv_do_not_query_per_row(user_client, name):
    note(validated_invoice(), number="NC0")
    few = _queries(user_client, reverse(name))
    for n in range(1, 8):
        note(validated_invoice(f"Cliente {n}", f"SETP99000001{n}"), number=f"NC{n}")
    assert _queries(user_client, reverse(name)) == few


def test_an_imported_note_without_items_has_a_detail_page(user_client):
    credit_note = note(validated_invoice(), number="NC9")
    credit_note.items.all().delete()
    html = user_client.get(reverse("credit_notes:detail", args=[credit_note.pk])).text
    assert "Sin ítems." in html
    assert 'id="credit-note-total">$ 119.000,00' in html


def test_a_reader_sees_the_pdf_of_a_note_without_the_email_form(reader_client):
    credit_note = note(validated_invoice(), number="NC7")
    html = reader_client.get(reverse("credit_notes:detail", args=[credit_note.pk])).text
    assert "Enviar por correo" not in html


def test_an_issuer_may_email_the_note_from_its_pdf_card(user_client):
    credit_note = note(validated_invoice(), number="NC7")
    html = user_client.get(reverse("credit_notes:detail", args=[credit_note.pk])).text
    assert f'action="{reverse("credit_notes:email", args=[credit_note.pk])}"' in html


def test_the_invoice_pdf_card_emails_the_invoice(user_client):
    invoice = validated_invoice()
    html = user_client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).text
    assert f'action="{reverse("invoicing:invoice_email", args=[invoice.pk])}"' in html


def test_a_reader_sees_the_invoice_pdf_without_the_email_form(reader_client):
    invoice = validated_invoice()
    html = reader_client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).text
    assert 'title="PDF de la factura SETP990000001"' in html
    assert "Enviar por correo" not in html


def test_a_reader_is_not_told_how_to_make_a_note_on_the_list(reader_client):
    note(validated_invoice(), number="NC7")
    assert "«Anular factura»" not in reader_client.get(reverse("credit_notes:list")).text


def test_a_reader_is_not_told_how_to_make_a_note_on_an_invoice(reader_client):
    invoice = validated_invoice()
    assert (
        "«Anular factura»"
        not in reader_client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).text
    )


def test_an_issuer_is_told_where_notes_are_made(user_client):
    invoice = validated_invoice()
    assert "«Anular factura»" in user_client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).text
