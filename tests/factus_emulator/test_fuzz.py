"""Whatever a client sends, the emulator answers a documented status, never a crash."""

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factus_emulator import Sandbox

from .conftest import seed_bill
from .test_conformance import _call

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
FIELDS = [
    "reference_code",
    "numbering_range_id",
    "customer",
    "items",
    "allowance_charges",
    "payment_form",
    "document",
    "send_email",
    "establishment",
    "billing_period",
]


EXAMPLES = int(os.environ.get("EMULATOR_FUZZ_EXAMPLES", "60"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIELDS), json_values, st.integers(0, 2))
def test_bad_bills_answer_422_or_201(field, value, where):
    payload = seed_bill(f"fuzz-{field}")
    target = [payload, payload["customer"], payload["items"][0]][where]
    target[field] = value
    status, _, body = _call(Sandbox(), payload)
    assert status in (201, 409, 422), body
    decoded = json.loads(body)
    if status == 422 and "errors" in decoded and "status" not in decoded:
        assert all(isinstance(v, list) and v for v in decoded["errors"].values())
