"""The lose-the-answer knob: the document is processed and stored, then its answer is lost."""

import json
import subprocess
import sys

import pytest
import requests

from factus_emulator import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME, Sandbox
from factus_emulator.core import AnswerLost
from factus_emulator.server import run_in_thread

from .conftest import Api, seed_bill
from .documents import adjustment_note, credit_note, make_bill, make_support_document, post, support_document
from .test_transport import PACKAGE


@pytest.fixture
def served():
    """A Sandbox behind a real socket, logged in."""
    sandbox = Sandbox(seed=7)
    httpd, thread, base_url = run_in_thread(sandbox, "127.0.0.1", 0)
    api = Api(requests.Session(), base_url)
    api.login()
    yield sandbox, api
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def bills_with_reference(api, reference: str) -> list[dict]:
    return api.get("/v1/bills", params={"filter[reference_code]": reference}).json()["data"]["data"]


def test_drop_closes_the_connection_without_an_answer(served):
    sandbox, api = served
    sandbox.configure(lose_rate=1, lose_modes="drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.validate(seed_bill("LOST-DROP"))
    sandbox.configure(lose_rate=0)
    assert [b["status"] for b in bills_with_reference(api, "LOST-DROP")] == [1]


def test_drop_is_not_a_timeout(served):
    sandbox, api = served
    sandbox.configure(lose_rate=1, lose_modes="drop")
    with pytest.raises(requests.exceptions.ConnectionError) as raised:
        api.validate(seed_bill("LOST-DROP"))
    assert not isinstance(raised.value, requests.exceptions.Timeout)


def test_500_answers_laravels_server_error(served):
    sandbox, api = served
    sandbox.configure(lose_rate=1, lose_modes=["500"])
    response = api.validate(seed_bill("LOST-500"))
    assert (response.status_code, response.json()) == (500, {"message": "Server Error"})


def test_500_keeps_the_bill(served):
    sandbox, api = served
    sandbox.configure(lose_rate=1, lose_modes=["500"])
    api.validate(seed_bill("LOST-500"))
    sandbox.configure(lose_rate=0)
    assert [b["status"] for b in bills_with_reference(api, "LOST-500")] == [1]


def test_late_outlasts_the_clients_read_timeout(served):
    sandbox, api = served
    sandbox.configure(lose_rate=1, lose_modes="late", lose_late_seconds=1.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.post("/v1/bills/validate", json=seed_bill("LOST-LATE"), timeout=(2, 0.3))
    sandbox.configure(lose_rate=0)
    assert [b["status"] for b in bills_with_reference(api, "LOST-LATE")] == [1]


def test_late_answer_is_the_real_one(served):
    sandbox, api = served
    sandbox.configure(lose_rate=1, lose_modes="late", lose_late_seconds=0.2)
    response = api.post("/v1/bills/validate", json=seed_bill("LOST-LATE"), timeout=5)
    assert (response.status_code, response.json()["data"]["bill"]["reference_code"]) == (201, "LOST-LATE")


def test_resending_after_a_lost_answer_is_refused_and_counted(served):
    sandbox, api = served
    sandbox.configure(lose_rate=1, lose_modes="500")
    api.validate(seed_bill("AGAIN"))
    sandbox.configure(lose_rate=0)
    again = api.validate(seed_bill("AGAIN"))
    assert again.json()["errors"] == {
        "reference_code": ["El campo código de referencia ya ha sido registrado."]
    }
    stats = api.get("/_emulator/stats").json()
    assert (stats["already_registered"], stats["duplicates"]) == ({"bills": 1}, 0)


def test_stats_count_processed_documents_and_lost_answers(served):
    sandbox, api = served
    sandbox.configure(lose_rate=1, lose_modes="500")
    api.validate(seed_bill("S-1"))
    sandbox.configure(lose_modes="drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.validate(seed_bill("S-2"))
    sandbox.configure(lose_rate=0)
    api.validate(seed_bill("S-3"))
    stats = sandbox.stats()
    assert stats["processed"] == {"bills": 3}
    assert stats["processed_by_reference"] == {"bills": {"S-1": 1, "S-2": 1, "S-3": 1}}
    assert stats["lost_answers"] == {"drop": 1, "500": 1, "late": 0}


def test_refused_documents_are_never_lost(api, sandbox):
    sandbox.configure(lose_rate=1, lose_modes="drop")
    invalid = api.validate({})
    assert invalid.status_code == 422
    assert sandbox.stats()["lost_answers"]["drop"] == 0


def test_reads_are_never_lost(api, sandbox):
    sandbox.configure(lose_rate=1, lose_modes="drop")
    assert api.get("/v1/bills").status_code == 200


def test_dian_rejection_answer_can_be_lost_too(api, sandbox):
    sandbox.configure(lose_rate=1, lose_modes="500")
    api.validate(seed_bill("REJ", identification="1111111111"))
    sandbox.configure(lose_rate=0)
    assert [b["status"] for b in bills_with_reference(api, "REJ")] == [0]


def test_responses_transport_drop_raises_connection_error(api, sandbox):
    sandbox.configure(lose_rate=1, lose_modes="drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.validate(seed_bill("W-1"))


def test_responses_transport_late_raises_read_timeout(api, sandbox):
    sandbox.configure(lose_rate=1, lose_modes="late")
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.validate(seed_bill("W-2"))


def test_credit_note_answer_is_lost_after_it_is_stored(api, sandbox):
    bill = make_bill(api)
    sandbox.configure(lose_rate=1, lose_modes="drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        post(api, "credit-notes", credit_note(bill["id"], "NC-LOST"))
    sandbox.configure(lose_rate=0)
    listed = api.get("/v1/credit-notes", params={"filter[reference_code]": "NC-LOST"}).json()
    assert len(listed["data"]["data"]) == 1


def test_support_document_answer_is_lost_after_it_is_stored(api, sandbox):
    sandbox.configure(lose_rate=1, lose_modes="500")
    assert post(api, "support-documents", support_document("DS-LOST")).status_code == 500
    sandbox.configure(lose_rate=0)
    listed = api.get("/v1/support-documents", params={"filter[reference_code]": "DS-LOST"}).json()
    assert len(listed["data"]["data"]) == 1


def test_adjustment_note_answer_is_lost_after_it_is_stored(api, sandbox):
    doc = make_support_document(api)
    sandbox.configure(lose_rate=1, lose_modes="500")
    assert post(api, "adjustment-notes", adjustment_note(doc["id"], "AN-LOST")).status_code == 500
    sandbox.configure(lose_rate=0)
    listed = api.get("/v1/adjustment-notes", params={"filter[reference_code]": "AN-LOST"}).json()
    assert len(listed["data"]["data"]) == 1


def test_losses_follow_the_seed(clock):
    assert _lost_sequence(7, clock) == _lost_sequence(7, clock)


def test_a_partial_rate_loses_some_answers(clock):
    assert {"201", "drop", "500", "late"} <= set(_lost_sequence(7, clock))


def _lost_sequence(seed, clock) -> list[str]:
    """What 40 validates on a fresh Sandbox with ``lose_rate=0.5`` got: status or lost mode."""
    box = Sandbox(clock=clock, seed=seed, lose_rate=0.5)
    form = (
        f"grant_type=password&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
        f"&username={USERNAME}&password={PASSWORD}"
    )
    _, _, body = box.handle(
        "POST", "/oauth/token", {"Content-Type": "application/x-www-form-urlencoded"}, form.encode()
    )
    headers = {"Authorization": f"Bearer {json.loads(body)['access_token']}"}
    seen = []
    for n in range(40):
        payload = json.dumps(seed_bill(f"R{n}")).encode()
        try:
            seen.append(str(box.handle("POST", "/v1/bills/validate", headers, payload)[0]))
        except AnswerLost as lost:
            seen.append(lost.mode)
    return seen


def test_config_endpoint_sets_the_lose_knobs(api):
    body = {"lose_rate": 0.05, "lose_modes": "drop,late", "lose_late_seconds": 25}
    config = api.post("/_emulator/config", json=body).json()
    assert {k: config[k] for k in body} == {
        "lose_rate": 0.05,
        "lose_modes": ["drop", "late"],
        "lose_late_seconds": 25.0,
    }


def test_unknown_lose_mode_is_refused(api):
    assert api.post("/_emulator/config", json={"lose_modes": "drop,explode"}).status_code == 400


def test_cli_lose_options():
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "factus_emulator",
            "--port",
            "0",
            "--lose-rate",
            "0.05",
            "--lose-modes",
            "drop,500,late",
            "--lose-late-seconds",
            "25",
            "--answer-shape",
            "sandbox-2025-01",
        ],
        cwd=PACKAGE.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().split()[-1]
        config = requests.get(f"{url}/_emulator/config", timeout=5).json()
    finally:
        process.terminate()
        process.wait(timeout=5)
    assert {k: config[k] for k in ("lose_rate", "lose_modes", "lose_late_seconds", "answer_shape")} == {
        "lose_rate": 0.05,
        "lose_modes": ["drop", "500", "late"],
        "lose_late_seconds": 25.0,
        "answer_shape": "sandbox-2025-01",
    }


def test_a_refused_config_changes_nothing(sandbox):
    with pytest.raises(ValueError):
        sandbox.configure(lose_rate=1, lose_modes="explode")
    assert sandbox.config()["lose_rate"] == 0.0
