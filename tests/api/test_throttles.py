"""The API's rate limits: one small counter per client and window, a burst across a window's
edge counted as one, Retry-After of at least a second."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache, caches
from rest_framework.test import APIRequestFactory

from wego_portal.api import AnonRateThrottle


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def throttle(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    cache.clear()
    clock = Clock(6_000_000 * 60.0)  # the start of a window

    def make():
        t = AnonRateThrottle()
        t.timer = clock
        return t

    return make, clock


def _request():
    request = APIRequestFactory().get("/api/v1/offices/", REMOTE_ADDR="203.0.113.7")
    request.user = AnonymousUser()
    return request


def _allowed(make, times: int = 1) -> list[bool]:
    request = _request()
    return [make().allow_request(request, view=None) for _ in range(times)]


def test_the_budget_holds_per_window_and_the_state_is_one_integer(throttle):
    make, clock = throttle
    clock.now += 10
    assert _allowed(make, 4) == [True, True, True, False]

    t = make()
    request = _request()
    t.allow_request(request, view=None)
    assert cache.get(f"{t.key}:{int(clock.now // 60)}") == 5  # a counter, not a list of times
    assert t.wait() == 50  # seconds until the window ends

    clock.now += 60  # the next window, while most of the last minute still counts
    assert _allowed(make) == [False]
    clock.now += 80  # half of the last window (one refused request) still weighs
    assert _allowed(make, 3) == [True, True, False]
    clock.now += 120  # a quiet minute later: the whole budget is back
    assert _allowed(make, 4) == [True, True, True, False]


def test_a_burst_across_the_windows_edge_counts_as_one(throttle):
    make, clock = throttle
    clock.now += 59.9
    assert _allowed(make, 3) == [True, True, True]
    clock.now += 0.2  # 0.1 s into the next window
    assert _allowed(make) == [False]


def test_retry_after_is_at_least_a_second(throttle):
    make, clock = throttle
    clock.now += 59.95
    _allowed(make, 4)
    t = make()
    request = _request()
    assert t.allow_request(request, view=None) is False
    assert t.wait() == 1


def test_a_window_counts_in_one_round_trip_on_redis_and_the_same_with_other_caches():
    from django.core.cache.backends.locmem import LocMemCache

    from wego_portal.cache import ResilientRedisCache, count_in_window

    shared = caches["default"]
    other = LocMemCache("throttle-test", {})
    for each in [other, *([shared] if isinstance(shared, ResilientRedisCache) else [])]:
        each.clear()
        assert count_in_window(each, "t:2", "t:1", 121) == (1, 0)
        assert count_in_window(each, "t:2", "t:1", 121) == (2, 0)
        assert count_in_window(each, "t:3", "t:2", 121) == (1, 2)
        assert each.get("t:3") == 1


def test_the_redis_cache_builds_one_client_per_pool():
    from wego_portal.cache import ResilientRedisCache

    shared = caches["default"]
    if not isinstance(shared, ResilientRedisCache):
        pytest.skip("the tests run without Redis")
    client = shared._cache.get_client("a", write=True)
    assert shared._cache.get_client("b", write=True) is client


def test_the_throttles_count_in_the_shared_cache_itself_not_through_its_proxy(monkeypatch):
    """``django.core.cache.cache`` is a proxy that ``count_in_window`` did not recognise as
    Redis: each throttle then took three round trips instead of one pipeline."""
    from wego_portal import api

    given = []

    def counting(cache, key, previous_key, timeout):
        given.append(cache)
        return 1, 0

    monkeypatch.setattr(api, "count_in_window", counting)

    assert AnonRateThrottle().allow_request(_request(), view=None) is True
    assert given == [caches["default"]]
    assert given[0] is not cache


def test_an_anonymous_request_is_counted_once_by_the_anonymous_throttle_alone():
    from wego_portal.api import UserRateThrottle

    request = _request()

    assert AnonRateThrottle().get_cache_key(request, view=None) is not None
    assert UserRateThrottle().get_cache_key(request, view=None) is None
