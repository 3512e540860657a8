"""invoicing.totals against every documented example (API.md §6.4) and the emulator."""

import json
from decimal import Decimal as D
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factus_emulator import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME, Sandbox
from invoicing.totals import LineInput, compare, compute_invoice, compute_line

DOCS_ITEM_1 = LineInput(1, D("50000"), D("20"), D("19"), withholdings=(("05", D("15")), ("06", D("7"))))
DOCS_ITEM_2 = LineInput(1, D("50000"), D("0"), D("5"))
SEED_ITEM = LineInput(1, D("1500000"), D("11"), D("19"), withholdings=(("06", D("7")),))


def test_docs_item_with_discount_and_19_percent():
    line = compute_line(DOCS_ITEM_1)
    assert (line.total, line.gross_value, line.taxable_amount) == (D("40000"), D("33613.45"), D("33613.45"))
    assert (line.tax_amount, line.discount) == (D("6386.55"), D("8403.36"))
    assert line.withholdings == {"05": D("957.98"), "06": D("2352.94")}


def test_docs_item_without_discount_at_5_percent():
    line = compute_line(DOCS_ITEM_2)
    assert (line.total, line.gross_value, line.tax_amount, line.discount) == (
        D("50000"),
        D("47619.05"),
        D("2380.95"),
        D("0.00"),
    )


def test_docs_document_with_surcharge():
    totals = compute_invoice([DOCS_ITEM_1, DOCS_ITEM_2], surcharges=[D("9000.00")])
    assert totals.gross_value == totals.taxable_amount == D("81232.50")
    assert totals.tax_amount == D("8767.50")
    assert (totals.surcharge_amount, totals.discount_amount) == (D("9000.00"), D("0.00"))
    assert totals.total == D("99000.00")  # withholdings are never subtracted
    assert totals.withholdings == {"05": D("957.98"), "06": D("2352.94")}


def test_real_sandbox_seed():
    line = compute_line(SEED_ITEM)
    assert (line.total, line.gross_value, line.tax_amount, line.discount) == (
        D("1335000"),
        D("1121848.74"),
        D("213151.26"),
        D("138655.46"),
    )
    assert line.withholdings == {"06": D("78529.41")}
    assert compute_invoice([SEED_ITEM]).total == D("1335000.00")


def test_support_document_retention_on_gross():
    line = compute_line(LineInput(1, D("40000"), D("0"), D("0"), True, (("06", D("3.5")),)))
    assert line.withholdings == {"06": D("1400.00")}


def test_excluded_item_has_no_tax_even_with_a_tax_rate():
    line = compute_line(
        LineInput(2, D("10000"), D("10"), D("19"), is_excluded=True, withholdings=(("05", D("15")),))
    )
    assert (line.total, line.gross_value, line.taxable_amount, line.tax_amount) == (
        D("18000"),
        D("18000"),
        D("0.00"),
        D("0"),
    )
    assert line.discount == D("2000.00")
    assert line.withholdings == {"05": D("0.00")}


def test_exempt_item_is_taxable_at_zero():
    line = compute_line(LineInput(3, D("999.99"), D("0"), D("0")))
    assert (line.gross_value, line.taxable_amount, line.tax_amount) == (D("2999.97"), D("2999.97"), D("0"))


def test_reteica_on_gross_value():
    line = compute_line(LineInput(1, D("119000"), D("0"), D("19"), withholdings=(("07", D("0.966")),)))
    assert line.withholdings == {"07": D("966.00")}


def test_rounding_is_half_up_to_the_cent():
    # 0.125 / 1 -> total 0.13 (half-up), never banker's 0.12
    assert compute_line(LineInput(1, D("0.25"), D("50"), D("0"))).total == D("0.13")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        compute_line(LineInput(1, 1.5, D("0"), D("19")))


def test_compare_reports_only_differences():
    ours = compute_invoice([SEED_ITEM]).as_factus()
    theirs = {k: f"{v:.2f}" for k, v in ours.items()}
    assert compare(ours, theirs) == {}
    theirs["total"] = "1335000.01"
    assert compare(ours, theirs) == {"total": {"ours": "1335000.00", "factus": "1335000.01"}}


# --- against the emulator ---------------------------------------------------------------------

money = st.decimals(min_value=D("0.01"), max_value=D("5000000"), places=2)
rate = st.decimals(min_value=D("0"), max_value=D("100"), places=2)
tax_rate = st.sampled_from([D("0"), D("5"), D("8"), D("16"), D("19")])
withholding = st.tuples(
    st.sampled_from(["05", "06", "07"]), st.decimals(min_value=D("0"), max_value=D("20"), places=2)
)
line_strategy = st.builds(
    LineInput,
    quantity=st.integers(1, 50),
    price=money,
    discount_rate=rate,
    tax_rate=tax_rate,
    is_excluded=st.booleans(),
    withholdings=st.lists(withholding, max_size=2, unique_by=lambda w: w[0]).map(tuple),
)


class Emulator:
    def __init__(self) -> None:
        self.sandbox = Sandbox(seed=1)
        form = urlencode(
            {
                "grant_type": "password",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "username": USERNAME,
                "password": PASSWORD,
            }
        ).encode()
        _, _, body = self.sandbox.handle(
            "POST", "/oauth/token", {"Content-Type": "application/x-www-form-urlencoded"}, form
        )
        self.headers = {
            "Authorization": f"Bearer {json.loads(body)['access_token']}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self.count = 0

    def validate(self, lines, surcharge: D | None) -> dict:
        self.count += 1
        payload = {
            "numbering_range_id": 8,
            "reference_code": f"hyp-{self.count}",
            "observation": "",
            "payment_form": "1",
            "payment_method_code": "10",
            "customer": {
                "identification_document_id": 3,
                "identification": "123456789",
                "names": "Alan Turing",
                "legal_organization_id": "2",
                "tribute_id": "21",
            },
            "items": [_item(i, line) for i, line in enumerate(lines)],
        }
        if surcharge:
            payload["allowance_charges"] = [
                {
                    "concept_type": "03",
                    "is_surcharge": True,
                    "reason": "Propina",
                    "base_amount": "1.00",
                    "amount": str(surcharge),
                }
            ]
        status, _, body = self.sandbox.handle(
            "POST", "/v1/bills/validate", self.headers, json.dumps(payload).encode()
        )
        assert status == 201, body
        return json.loads(body)["data"]


def _item(index: int, line: LineInput) -> dict:
    return {
        "code_reference": f"P{index}",
        "name": "Producto",
        "quantity": line.quantity,
        "discount_rate": str(line.discount_rate),
        "price": str(line.price),
        "tax_rate": f"{line.tax_rate:.2f}",
        "unit_measure_id": 70,
        "standard_code_id": 1,
        "is_excluded": int(line.is_excluded),
        "tribute_id": 1,
        "withholding_taxes": [{"code": c, "withholding_tax_rate": str(r)} for c, r in line.withholdings],
    }


@pytest.fixture(scope="module")
def emulator():
    return Emulator()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(line_strategy, min_size=1, max_size=5),
    surcharge=st.none() | st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2),
)
def test_same_numbers_as_the_emulator(emulator, lines, surcharge):
    data = emulator.validate(lines, surcharge)
    ours = compute_invoice(lines, surcharges=[surcharge] if surcharge else [])
    assert compare(ours.as_factus(), data["bill"]) == {}
    for mine, theirs in zip(ours.lines, data["items"], strict=True):
        assert D(str(theirs["total"])) == mine.total
        assert (
            D(theirs["gross_value"]),
            D(theirs["taxable_amount"]),
            D(theirs["tax_amount"]),
            D(theirs["discount"]),
        ) == (mine.gross_value, mine.taxable_amount, mine.tax_amount, mine.discount)
        held = {w["tribute_code"]: D(w["value"]) for w in theirs["withholding_taxes"]}
        assert held == mine.withholdings
    assert {w["tribute_code"]: D(w["value"]) for w in data["withholding_taxes"]} == ours.withholdings
