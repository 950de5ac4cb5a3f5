"""The test cache clears only its own key prefix, so parallel test workers share one Redis db."""

import os
import uuid

import pytest

from wego_portal.cache import PrefixScopedRedisCache
from wego_portal.settings.base import _redis_database

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs Redis: set REDIS_URL (CI always does; .ci/run starts Redis)",
)


def _cache(prefix: str) -> PrefixScopedRedisCache:
    location = _redis_database(
        os.environ["REDIS_URL"], int(os.environ.get("TEST_REDIS_CACHE_DB", "2"))
    )
    return PrefixScopedRedisCache(location, {"KEY_PREFIX": prefix})


def test_clear_deletes_only_the_keys_of_its_own_prefix():
    run = uuid.uuid4().hex[:8]
    mine, theirs = _cache(f"wego-prefix-{run}-a"), _cache(f"wego-prefix-{run}-b")
    mine.set_many({f"key-{n}": n for n in range(1200)})  # more than one SCAN/DELETE batch
    theirs.set("kept", "value")
    try:
        assert mine.clear() is True

        assert mine.get_many([f"key-{n}" for n in range(1200)]) == {}
        assert theirs.get("kept") == "value"
    finally:
        mine.clear()
        theirs.clear()
    assert theirs.get("kept") is None


def test_clear_of_an_unreachable_redis_answers_false_and_empties_the_fallback():
    from wego_portal import cache as resilient

    cache = PrefixScopedRedisCache("redis://127.0.0.1:1/0", {"KEY_PREFIX": "wego-prefix-down"})
    try:
        cache.set("counter", 1)  # Redis unreachable: kept in the per-process fallback
        assert cache.get("counter") == 1

        assert cache.clear() is False
        assert cache.get("counter") is None
    finally:
        resilient._outages.pop("redis://127.0.0.1:1/0", None)
