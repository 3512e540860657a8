"""schemathesis against /api/v1/openapi.json, with a token, on a database with data (catalogues
synced from the emulator, a customer, a product, a validated invoice and a draft): no server error,
no status, Content-Type, header or body outside the schema. Kept short (few examples per operation)."""

import json
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.services import token_create

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
FIXTURE = Path(__file__).resolve().parents[2].parent / "shared" / "factus" / "fixtures"


@pytest.fixture
def api_schema(api, clerk, synced, product, settings):
    settings.API_THROTTLE_RATE = "100000/m"
    body_path = next(p for p in (FIXTURE, Path("/work/shared/factus/fixtures")) if p.exists())
    body = json.loads((body_path / "bills-validate-request.json").read_text())
    api.post_json("/api/v1/invoices", {**body, "issue": True})
    api.post_json("/api/v1/invoices", {**body, "reference_code": "BORRADOR-1"})
    secret = token_create(user=clerk, name="schemathesis").secret
    # As Django's test client does: the WSGI app must not close the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", get_wsgi_application(), headers={"Authorization": f"Bearer {secret}"}
    )
    schema.token = secret
    yield schema
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_api_conforms_to_its_schema(api_schema):
    """Every operation, a few generated cases each; every failure is collected, then reported."""
    failures = []
    headers = {"Authorization": f"Bearer {api_schema.token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as error:
            failures.append(f"{operation.label}: {str(error)[:2000]}")
    assert len(operations) >= 20
    assert not failures, "\n\n".join(failures)
