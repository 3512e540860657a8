"""TokenManager: one shared token, refreshed under a lock, invalidated by compare-and-delete."""

import threading
import time
from datetime import UTC, datetime

import pytest
import time_machine

from factus.deadline import budget
from factus.errors import FactusAuthError
from tests.factus.conftest import BASE

START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def company_ok(rsps, *statuses):
    """GET /v1/company answering the given statuses in order (200 by default)."""
    for status in statuses or (200,):
        body = {"status": "OK", "data": {"nit": "900"}} if status == 200 else {"message": "Unauthenticated."}
        rsps.get(f"{BASE}/v1/company", status=status, json=body)


def test_cached_token_is_reused_across_many_calls(rsps, oauth, factus, manager):
    rsps.get(f"{BASE}/v1/company", json={"status": "OK", "data": {"nit": "900"}})
    for _ in range(25):
        assert factus.get_company() == {"nit": "900"}
    assert oauth.grants == ["password"]
    bearers = {call.request.headers["Authorization"] for call in rsps.calls if "/v1/" in call.request.url}
    assert bearers == {f"Bearer {oauth.tokens[0]}"}


@pytest.mark.parametrize("expires_in", [600, 3600, 120])
def test_refreshes_leeway_seconds_before_the_returned_expires_in(oauth, manager, expires_in):
    oauth.expires_in = expires_in
    leeway = min(60, expires_in // 2)
    with time_machine.travel(START, tick=False) as clock:
        first = manager.get_token()
        clock.shift(expires_in - leeway - 1)
        assert manager.get_token() == first
        assert oauth.grants == ["password"]
        clock.shift(2)
        second = manager.get_token()
    assert second != first
    assert oauth.grants == ["password", "refresh_token"]


def test_expired_and_evicted_token_is_refreshed_with_the_refresh_token(oauth, manager):
    with time_machine.travel(START, tick=False) as clock:
        manager.get_token()
        clock.shift(3600 * 5)
        manager.get_token()
    assert oauth.grants == ["password", "refresh_token"]


def test_refused_refresh_token_falls_back_to_password_grant(oauth, manager):
    with time_machine.travel(START, tick=False) as clock:
        manager.get_token()
        oauth.refuse_refresh = True
        clock.shift(3600)
        token = manager.get_token()
    assert oauth.grants == ["password", "refresh_token", "password"]
    assert token == oauth.tokens[-1]


def test_401_invalidates_once_and_retries_once_with_a_new_token(rsps, oauth, factus, manager):
    company_ok(rsps, 401, 200)
    calls = []
    original = manager.invalidate
    manager.invalidate = lambda token: calls.append(token) or original(token)
    assert factus.get_company() == {"nit": "900"}
    assert calls == [oauth.tokens[0]]
    assert oauth.grants == ["password", "refresh_token"]
    api = [c.request.headers["Authorization"] for c in rsps.calls if "/v1/" in c.request.url]
    assert api == [f"Bearer {oauth.tokens[0]}", f"Bearer {oauth.tokens[1]}"]


def test_second_401_is_an_auth_error_without_more_retries(rsps, oauth, factus):
    company_ok(rsps, 401, 401, 200)
    with pytest.raises(FactusAuthError) as info:
        factus.get_company()
    assert info.value.status_code == 401
    assert len([c for c in rsps.calls if "/v1/" in c.request.url]) == 2


def test_waits_for_the_lock_holder_and_uses_their_token(oauth, manager, cache):
    assert cache.add(manager.lock_key, "another-process", timeout=30)

    def other_process_refreshes():
        time.sleep(0.3)
        cache.set(
            manager.token_key,
            {"access_token": "their-token", "expires_in": 3600, "expires_at": time.time() + 3600},
            timeout=3600,
        )
        cache.delete(manager.lock_key)

    worker = threading.Thread(target=other_process_refreshes)
    started = time.monotonic()
    worker.start()
    token = manager.get_token()
    worker.join()
    assert token == "their-token"
    assert time.monotonic() - started >= 0.25
    assert oauth.grants == []


def test_lock_wait_is_bounded(oauth, manager, cache):
    cache.add(manager.lock_key, "a-stuck-process", timeout=30)
    manager.wait_timeout = 0.2
    with pytest.raises(FactusAuthError, match="Tiempo de espera agotado"):
        manager.get_token()
    assert oauth.grants == []


def test_lock_holder_double_checks_before_calling_factus(oauth, manager, cache):
    manager.get_token()
    # Another process refreshed between our stale read and our lock: the fresh token is used.
    with time_machine.travel(START, tick=False):
        cache.set(
            manager.token_key,
            {"access_token": "fresh-from-elsewhere", "expires_in": 3600, "expires_at": time.time() + 3600},
        )
        assert manager._renew() == "fresh-from-elsewhere"
    assert oauth.grants == ["password"]


def test_invalidate_does_not_delete_a_newer_token(oauth, manager, cache):
    old = manager.get_token()
    newer = {"access_token": "newer-token", "expires_in": 3600, "expires_at": time.time() + 3600}
    cache.set(manager.token_key, newer)
    assert manager.invalidate(old) is False
    assert manager.get_token() == "newer-token"
    assert manager.invalidate("newer-token") is True
    assert cache.get(manager.token_key) is None
    assert cache.get(manager.lock_key) is None
    assert oauth.grants == ["password"]


def test_wrong_credentials_raise_spanish_error_and_cool_down(oauth, manager):
    oauth.refuse_password = True
    with time_machine.travel(START, tick=False) as clock:
        with pytest.raises(FactusAuthError) as info:
            manager.get_token()
        assert "usuario o la contraseña" in info.value.message
        assert info.value.status_code == 400
        for _ in range(5):
            with pytest.raises(FactusAuthError):
                manager.get_token()
        assert oauth.grants == ["password"]
        clock.shift(manager.cooldown + 1)
        oauth.refuse_password = False
        assert manager.get_token() == oauth.tokens[0]
    assert oauth.grants == ["password", "password"]


def test_token_request_is_form_encoded_with_both_grants_fields(rsps, oauth, manager, conf):
    manager.get_token()
    request = rsps.calls[0].request
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["Accept"] == "application/json"
    assert "client_secret=" in request.body and "username=" in request.body
    assert "Authorization" not in request.headers


def test_one_operation_reads_the_shared_token_once(oauth, manager):
    """Inside one deadline window (a submission) the token is read from the cache once: another
    worker's renewal is seen by the next operation, and at once after a 401."""
    manager.get_token()  # in the shared cache
    with budget(30):
        first = manager.get_token()
        entry = manager.cache.get(manager.token_key)
        manager.cache.set(manager.token_key, {**entry, "access_token": "renewed-elsewhere"})
        assert manager.get_token() == first
    with budget(30):
        assert manager.get_token() == "renewed-elsewhere"


def test_a_401_forgets_the_token_read_in_the_window(oauth, manager):
    manager.get_token()  # in the shared cache
    with budget(30):
        first = manager.get_token()
        entry = manager.cache.get(manager.token_key)
        manager.cache.set(manager.token_key, {**entry, "access_token": "renewed-elsewhere"})
        manager.invalidate(first)
        assert manager.get_token() == "renewed-elsewhere"
