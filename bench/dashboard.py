"""Inicio and the one-year IVA report with 100,000 invoices and 10,000 credit notes; prints one line.

    python bench/dashboard.py [--invoices 100000] [--notes 10000] [--runs 40]

Creates ``bench_dashboard_<pid>`` on postgres://postgres@127.0.0.1:5432 (BENCH_PG_URL), migrates it,
inserts two years of invoices (two lines each; 80 % validated, the rest rejected, pending, por
verificar or drafts) and credit notes returning one unit of an invoice's first line, all with
INSERT ... SELECT generate_series. The line figures come from six line shapes computed once by
invoicing.services.figures (the app's own arithmetic); documents' totals are the sums of their lines.
Measures the rendered Inicio (server time in-process: view, queries, template) and the rendered
one-year IVA report page: p50/p95 and query counts. Targets: Inicio p95 < 100 ms with a fixed query
count; IVA one year p95 < 500 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = f"bench_dashboard_{os.getpid()}"
os.environ.update(
    {
        "DATABASE_URL": f"{SERVER}/{DB_NAME}",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_STATIC_MANIFEST": "false",
        "DJANGO_ALLOWED_HOSTS": "testserver,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "factus_project.settings",
        "FACTUS_BASE_URL": "http://127.0.0.1:8001",
        "DJANGO_ENV_FILE": "",
    }
)

import psycopg  # noqa: E402

TWO_YEARS_SECONDS = 2 * 365 * 24 * 3600
# (code, price, discount %, tax %, excluded, withholdings): the line shapes the seed cycles through.
SHAPES = (
    ("P-1", "1500000.00", "11", "19", False, [{"code": "06", "rate": "2.50"}]),
    ("P-2", "50000.00", "0", "5", False, []),
    ("P-3", "23990.00", "0", "0", False, []),
    ("P-4", "120000.00", "0", "0", True, []),
    (
        "P-5",
        "8999.99",
        "12.5",
        "19",
        False,
        [{"code": "05", "rate": "15.00"}, {"code": "07", "rate": "0.97"}],
    ),
    ("P-6", "310000.00", "5", "19", False, []),
)
FIGURES = (
    "line_total",
    "line_gross_value",
    "line_taxable_amount",
    "line_tax_amount",
    "line_rete_iva",
    "line_rete_renta",
    "line_rete_ica",
)

INVOICES_SQL = """
INSERT INTO invoicing_invoice (reference_code, payment_form, payment_method_code, observation,
  send_email, status, number, prefix, cufe, qr_url, qr_image, withholdings, dian_messages,
  field_errors, totals_mismatch, raw_response, factus_extra, created_at, updated_at, validated_at,
  created_by_id, customer_id, numbering_range_id)
SELECT 'BENCH-' || g, '1', '10', '', false, s.status,
  CASE WHEN s.status = 'validated' THEN 'SETP' || (990000000 + g) ELSE '' END, 'SETP',
  md5(g::text), '', '', '[]', '[]', '{}', '{}', '{}', '{}', t.at, t.at,
  CASE WHEN s.status = 'validated' THEN t.at END,
  %(user)s, (%(customers)s::bigint[])[1 + g %% %(n_customers)s], %(range)s
FROM generate_series(1, %(count)s) AS g
CROSS JOIN LATERAL (SELECT now() - make_interval(secs => g * %(step)s) AS at) AS t
CROSS JOIN LATERAL (SELECT (ARRAY['draft','rejected','pending_dian','unverified'])[1 + g %% 20]
                    AS pick) AS p
CROSS JOIN LATERAL (SELECT COALESCE(p.pick, 'validated') AS status) AS s
"""
# Each shape's figures, as a VALUES list joined by shape number.
ITEMS_SQL = """
INSERT INTO invoicing_invoiceitem (position, code_reference, name, quantity, price, discount_rate,
  tax_rate, is_excluded, withholdings, invoice_id, product_id, standard_code_id, tribute_id, unit_id,
  {figures})
SELECT n.pos, sh.code, 'Producto ' || sh.code, 1, sh.price, sh.discount, sh.tax, sh.excluded,
  sh.withholdings::jsonb, i.id, NULL, %(standard)s, %(tribute)s, %(unit)s, {shape_figures}
FROM invoicing_invoice i
CROSS JOIN (VALUES (0), (1)) AS n(pos)
JOIN (VALUES {shapes}) AS sh(idx, code, price, discount, tax, excluded, withholdings, {figures})
  ON sh.idx = (i.id + n.pos * 3) %% {n_shapes}
"""
TOTALS_SQL = """
UPDATE invoicing_{doc} d SET total = s.total, gross_value = s.gross, taxable_amount = s.taxable,
  tax_amount = s.tax, discount_amount = 0, surcharge_amount = 0, estimated_total = s.total
FROM (SELECT {fk} AS id, sum(line_total) AS total, sum(line_gross_value) AS gross,
        sum(line_taxable_amount) AS taxable, sum(line_tax_amount) AS tax
      FROM invoicing_{doc}item GROUP BY {fk}) AS s
WHERE d.id = s.id
"""
NOTES_SQL = """
INSERT INTO invoicing_creditnote (reference_code, payment_method_code, observation, send_email,
  status, number, prefix, qr_url, qr_image, withholdings, dian_messages, field_errors,
  totals_mismatch, raw_response, created_at, updated_at, validated_at, correction_concept, cude,
  created_by_id, invoice_id, numbering_range_id)
SELECT 'NC-BENCH-' || i.id, '10', '', false, 'validated', 'NC' || i.id, 'NC', '', '', '[]', '[]',
  '{}', '{}', '{}', i.validated_at + interval '1 day', i.validated_at + interval '1 day',
  i.validated_at + interval '1 day', '1', md5(i.id::text), %(user)s, i.id, NULL
FROM invoicing_invoice i WHERE i.status = 'validated' AND i.id %% 8 = 0
ORDER BY i.id LIMIT %(count)s
"""
NOTE_ITEMS_SQL = """
INSERT INTO invoicing_creditnoteitem (position, code_reference, name, quantity, price,
  discount_rate, tax_rate, is_excluded, withholdings, credit_note_id, invoice_item_id, product_id,
  standard_code_id, tribute_id, unit_id, {figures})
SELECT 0, it.code_reference, it.name, it.quantity, it.price, it.discount_rate, it.tax_rate,
  it.is_excluded, it.withholdings, cn.id, it.id, it.product_id, it.standard_code_id, it.tribute_id,
  it.unit_id, {item_figures}
FROM invoicing_creditnote cn JOIN invoicing_invoiceitem it ON it.invoice_id = cn.invoice_id
WHERE it.position = 0
"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def admin_conn():
    return psycopg.connect(f"{SERVER.replace('postgres://', 'postgresql://')}/postgres", autocommit=True)


def _shape_rows() -> str:
    from invoicing.models import InvoiceItem
    from invoicing.services.figures import with_figures

    rows = []
    for index, (code, price, discount, tax, excluded, held) in enumerate(SHAPES):
        line = with_figures(
            InvoiceItem(
                quantity=1,
                price=Decimal(price),
                discount_rate=Decimal(discount),
                tax_rate=Decimal(tax),
                is_excluded=excluded,
                withholdings=held,
            )
        )
        values = ", ".join(f"{getattr(line, name)}::numeric" for name in FIGURES)
        rows.append(
            f"({index}, '{code}', {price}::numeric, {discount}::numeric, {tax}::numeric, {excluded}, "
            f"'{_json(held)}', {values})"
        )
    return ", ".join(rows)


def _json(value) -> str:
    import json

    return json.dumps(value).replace("'", "''").replace("%", "%%")


def seed(invoices: int, notes: int):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import connection

    from catalog.models import MeasurementUnit, StandardCode, Tribute
    from tests.invoicing.factories import CustomerFactory, NumberingRangeFactory

    user = get_user_model().objects.create_user("bench", password="bench-pass-123")  # noqa: S106
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_invoice", "view_reports", "add_invoice"])
    )
    numbering = NumberingRangeFactory()
    customers = [CustomerFactory() for _ in range(300)]
    figures = ", ".join(FIGURES)
    with connection.cursor() as cursor:
        cursor.execute(
            INVOICES_SQL,
            {
                "user": user.pk,
                "customers": [c.pk for c in customers],
                "n_customers": len(customers),
                "range": numbering.pk,
                "count": invoices,
                "step": TWO_YEARS_SECONDS / invoices,
            },
        )
        cursor.execute(
            ITEMS_SQL.format(
                figures=figures,
                shape_figures=", ".join(f"sh.{name}" for name in FIGURES),
                shapes=_shape_rows(),
                n_shapes=len(SHAPES),
            ),
            {
                "standard": StandardCode.objects.get(factus_id=1).pk,
                "tribute": Tribute.objects.get(factus_id=1).pk,
                "unit": MeasurementUnit.objects.get(factus_id=70).pk,
            },
        )
        cursor.execute(TOTALS_SQL.format(doc="invoice", fk="invoice_id"))
        cursor.execute(NOTES_SQL, {"user": user.pk, "count": notes})
        cursor.execute(
            NOTE_ITEMS_SQL.format(figures=figures, item_figures=", ".join(f"it.{name}" for name in FIGURES))
        )
        cursor.execute(TOTALS_SQL.format(doc="creditnote", fk="credit_note_id"))
    # VACUUM sets the visibility map, so the covering indexes answer without reading the table.
    with psycopg.connect(
        f"{SERVER.replace('postgres://', 'postgresql://')}/{DB_NAME}", autocommit=True
    ) as db:
        db.execute("VACUUM ANALYZE")
    return user


def measure(user, url: str, params: dict, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    times, queries = [], set()
    for run in range(runs + 3):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        if run >= 3:  # warm-up
            times.append(elapsed)
            queries.add(len(ctx.captured_queries))
    return pct(times, 0.5), pct(times, 0.95), max(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    began = time.perf_counter()
    with admin_conn() as conn:
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    try:
        import django
        from django.core.management import call_command

        django.setup()
        from django.utils import timezone

        call_command("migrate", verbosity=0)
        user = seed(args.invoices, args.notes)
        today = timezone.localdate()
        year = {"date_from": f"{today - timedelta(days=364):%Y-%m-%d}", "date_to": f"{today:%Y-%m-%d}"}
        home = measure(user, "/", {}, args.runs)
        vat = measure(user, "/informes/iva/", year, max(10, args.runs // 4))
        counts = _counts()
    finally:
        from django.db import connections

        connections.close_all()
        with admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    verdict = "OK" if home[1] < 100 and vat[1] < 500 else "MISSED"
    print(
        f"bench/dashboard: {counts[0]} invoices, {counts[1]} credit notes, {counts[2]} lines; "
        f"Inicio p50/p95 {home[0]:.0f}/{home[1]:.0f}ms, {home[2]} queries; "
        f"IVA one year p50/p95 {vat[0]:.0f}/{vat[1]:.0f}ms, {vat[2]} queries; "
        f"targets (Inicio p95<100ms, IVA p95<500ms): {verdict}; {time.perf_counter() - began:.0f}s"
    )


def _counts() -> tuple[int, int, int]:
    from invoicing.models import CreditNote, Invoice, InvoiceItem

    return Invoice.objects.count(), CreditNote.objects.count(), InvoiceItem.objects.count()


if __name__ == "__main__":
    main()
