"""Rate limit, fault injection, latency, control endpoints and persistence."""

import time

from factus_emulator import Sandbox
from factus_emulator.testing import register

from .conftest import Api, seed_bill


def test_rate_limit(sandbox, api, clock):
    sandbox.configure(rate_limit=3)
    seen = [api.get("/v1/countries") for _ in range(3)]
    assert [r.headers["X-RateLimit-Remaining"] for r in seen] == ["2", "1", "0"]
    assert all(r.headers["X-RateLimit-Limit"] == "3" for r in seen)
    clock.advance(20)
    blocked = api.get("/v1/countries")
    assert blocked.status_code == 429
    assert blocked.json() == {"message": "Too Many Attempts."}
    assert blocked.headers["Retry-After"] == "40"
    assert blocked.headers["X-RateLimit-Remaining"] == "0"
    assert int(blocked.headers["X-RateLimit-Reset"]) == int(clock.now + 40)
    clock.advance(40)
    assert api.get("/v1/countries").status_code == 200


def test_rate_limit_off_by_default(api):
    assert "X-RateLimit-Limit" not in api.get("/v1/countries").headers


def test_fail_rate_one_answers_500(api):
    assert api.post("/_emulator/config", json={"fail_rate": 1}).json()["fail_rate"] == 1.0
    response = api.validate(seed_bill())
    assert response.status_code == 500
    assert response.json() == {"message": "Server Error"}
    api.post("/_emulator/config", json={"fail_rate": 0})
    assert api.get("/v1/bills").json()["data"]["data"] == []  # the failed call changed nothing


def test_fail_rate_is_seeded():
    def outcomes(seed):
        box = Sandbox(fail_rate=0.5, seed=seed)
        return [box.handle("GET", "/v1/company", {}, b"")[0] for _ in range(20)]

    assert outcomes(3) == outcomes(3)
    assert set(outcomes(3)) == {401, 500}


def test_latency(api):
    api.post("/_emulator/config", json={"latency_ms": 60})
    started = time.perf_counter()
    api.get("/v1/countries")
    assert time.perf_counter() - started >= 0.06


def test_bad_config_is_refused(api):
    response = api.post("/_emulator/config", json={"colour": "red"})
    assert response.status_code == 400


def test_reset(api):
    api.validate(seed_bill())
    assert api.post("/_emulator/reset").status_code == 200
    assert api.get("/v1/bills").status_code == 401  # tokens are gone too
    api.login()
    assert api.get("/v1/bills").json()["data"]["data"] == []
    assert api.get("/v1/numbering-ranges/8").json()["data"]["current"] == 990000001


def test_unknown_routes(api):
    assert api.get("/v1/nothing").json() == {"message": "The route v1/nothing could not be found."}
    wrong = api.get("/v1/bills/validate")
    assert wrong.status_code == 405


def test_lookup_filters(api):
    def names(path, **query):
        return [r["name"] for r in api.get(path, params=query).json()["data"]]

    assert names("/v1/municipalities", name="bogota") == ["Bogotá, D.c."]
    assert names("/v1/municipalities", **{"filter[name]": "SAN GIL"}) == ["San Gil"]
    assert names("/v1/countries", name="colom") == ["Colombia"]
    assert names("/v1/tributes/products", name="rete") == ["ReteIVA", "ReteRenta", "ReteICA"]
    assert "unidad" in names("/v1/measurement-units", name="unidad")


def test_numbering_range_filters(api):
    def ids(**query):
        return [r["id"] for r in api.get("/v1/numbering-ranges", params=query).json()["data"]["data"]]

    assert sorted(ids(**{"filter[document]": "21"})) == [4, 5, 8]
    assert ids(**{"filter[is_active]": "0"}) == [5]
    expired = api.get("/v1/numbering-ranges/4").json()["data"]
    assert expired["is_expired"] is True and expired["end_date"] == "19-01-2020"
    assert api.get("/v1/numbering-ranges/1234").status_code == 404


def test_acquirer_errors(api):
    unknown = api.get(
        "/v1/dian/acquirer", params={"identification_document_id": 3, "identification_number": "1"}
    )
    assert unknown.status_code == 404 and unknown.json()["status"] == "Not Found"
    missing = api.get("/v1/dian/acquirer")
    assert missing.status_code == 422 and set(missing.json()["errors"]) == {
        "identification_document_id",
        "identification_number",
    }


def test_state_file_survives_restart(tmp_path, clock):
    import requests
    import responses

    path = tmp_path / "state.json"
    first = Sandbox(state_file=str(path), clock=clock)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, first)
        api = Api(requests.Session())
        api.login()
        number = api.validate(seed_bill()).json()["data"]["bill"]["number"]
    second = Sandbox(state_file=str(path), clock=clock)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, second)
        # The token issued by the first process still works: tokens are persisted too.
        assert api.get(f"/v1/bills/show/{number}").status_code == 200
        assert api.validate(seed_bill("next")).json()["data"]["bill"]["number"] == "SETP990000002"
