"""The fleet's Factus rate limit: spaced turns, people before bulk work, 429 pauses, no hanging."""

import os
import uuid

import pytest
from django.core.cache import caches

from factus import deadline, ratelimit
from factus.errors import FactusThrottled

LIMIT = 60


@pytest.fixture
def slept(monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(ratelimit, "sleep", waits.append)
    return waits


@pytest.fixture(params=["database", "redis"])
def limited(request, settings, db):
    settings.FACTUS_RATE_LIMIT = LIMIT
    settings.FACTUS_USERNAME = f"rate-{uuid.uuid4().hex}"  # a fresh schedule per test
    if request.param == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            if os.environ.get("CI"):
                pytest.fail("REDIS_URL must be set in CI")
            pytest.skip("REDIS_URL is not set")
        settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url}}
        caches._settings = None
    yield request.param


def test_the_store_follows_the_cache(limited):
    name = type(ratelimit.get_store()).__name__
    assert name == {"database": "DatabaseStore", "redis": "RedisStore"}[limited]


def test_turns_are_spaced_by_the_limit(limited, slept):
    store = ratelimit.get_store()
    step = ratelimit.interval(LIMIT)
    store.reserve(step=step, bulk=False, max_wait=100)
    granted, wait = store.reserve(step=step, bulk=False, max_wait=100)
    assert granted and wait == pytest.approx(step, abs=0.2)


def test_bulk_work_never_reserves_a_future_turn(limited):
    store = ratelimit.get_store()
    step = ratelimit.interval(LIMIT)
    store.reserve(step=step, bulk=False, max_wait=100)
    granted, _ = store.reserve(step=step, bulk=True, max_wait=100)
    assert not granted


def test_a_person_goes_before_bulk_work(limited):
    """Bulk work holds no future turn, so a person's wait is at most one turn."""
    store = ratelimit.get_store()
    step = ratelimit.interval(LIMIT)
    store.reserve(step=step, bulk=True, max_wait=100)
    for _ in range(5):
        store.reserve(step=step, bulk=True, max_wait=100)  # bulk waiters asking: all refused
    granted, wait = store.reserve(step=step, bulk=False, max_wait=100)
    assert granted and wait <= step + 0.2


def test_a_turn_past_the_deadline_says_when_to_try_again(limited, slept):
    ratelimit.pause(120)
    with deadline.budget(5), pytest.raises(FactusThrottled) as caught:
        ratelimit.take_turn()
    assert "Intente de nuevo a las" in caught.value.message


def test_nothing_waits_past_the_deadline(limited, slept):
    ratelimit.pause(120)
    with deadline.budget(5), pytest.raises(FactusThrottled):
        ratelimit.take_turn()
    assert sum(slept) <= 5


def test_a_429_pauses_everyone(limited):
    ratelimit.pause(30)
    _granted, wait = ratelimit.get_store().reserve(step=1.0, bulk=False, max_wait=100)
    assert wait == pytest.approx(30, abs=2)


def test_no_limit_means_no_wait(settings, slept):
    settings.FACTUS_RATE_LIMIT = 0
    ratelimit.take_turn()
    assert slept == []


def test_every_factus_exchange_takes_a_turn(limited, slept, settings, factus_client_and_emulator):
    settings.FACTUS_RATE_LIMIT = 6  # turns 10 s apart: real time spent by the calls cannot use them up
    client, _sandbox = factus_client_and_emulator
    client.list_municipalities()
    client.list_municipalities()
    # the token grant went at once; each of the two calls waited for its own turn (not slept here)
    assert len(slept) == 2


@pytest.fixture
def factus_client_and_emulator():
    import responses

    from factus_emulator import Sandbox
    from factus_emulator.testing import register
    from tests.invoicing.conftest import BASE, make_client

    sandbox = Sandbox(seed=1)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, sandbox, BASE)
        yield make_client(BASE), sandbox


def test_a_turn_in_hand_is_spent_by_the_first_call(limited, slept):
    ratelimit.take_turn()  # someone else's turn: the next one is a step away
    with ratelimit.turn_in_hand():
        waited = sum(slept)
        ratelimit.take_turn()
    assert sum(slept) == waited


def test_a_turn_in_hand_is_spent_once(limited, slept):
    with ratelimit.turn_in_hand():
        ratelimit.take_turn()
        before = len(slept)
        ratelimit.take_turn()
    assert len(slept) == before + 1


class BrokenStore:
    def reserve(self, **kwargs):
        from redis.exceptions import ConnectionError

        raise ConnectionError("Redis is down")


def test_a_store_that_fails_sends_nothing_and_says_so(limited, monkeypatch):
    from factus.errors import FactusConnectionError

    monkeypatch.setattr(ratelimit, "get_store", BrokenStore)
    with pytest.raises(FactusConnectionError) as caught:
        ratelimit.take_turn()
    assert caught.value.may_have_reached_server is False
