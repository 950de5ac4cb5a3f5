"""The shared cache: Redis, degrading to a per-process memory cache while Redis is unreachable.

Every page, the API's throttles and the login rate limits read the cache. With plain
``RedisCache`` a Redis outage turned each of those reads into a 500. ``ResilientRedisCache``
catches Redis connection errors and timeouts and answers from a local memory cache instead:

- pages are still served (a page cached during the outage lives only in that process);
- rate limits and API throttles still count, per process instead of across processes;
- entries written during the outage expire after at most ``FALLBACK_MAX_TIMEOUT`` seconds, so
  a change made through another process shows within a minute.

After a failure Redis is not tried again for ``RETRY_AFTER`` seconds (no connection attempt
per request while it is down). A warning is logged when Redis is lost, at most once a minute
while it stays down, and once when it is back. ``/healthz`` asks ``redis_available()``.

Known limit: a page-cache version bumped during the outage is bumped locally only, so after
Redis returns a page cached before the outage can be served until it expires (five minutes
at most for the directory, one for the events list).
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from wego_portal.observability.metrics import count_cache_lookup

logger = logging.getLogger(__name__)

#: Seconds an entry written to the fallback lives at most.
FALLBACK_MAX_TIMEOUT = 60
#: Seconds between attempts to reach Redis again after a failure.
RETRY_AFTER = 5.0
#: Seconds between two "still down" warnings.
WARN_EVERY = 60.0
FALLBACK_MAX_ENTRIES = 2000

REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class _Outage:
    """One process's view of one Redis cache: down since when, next try, last warning."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.warned_at = 0.0

    def usable(self) -> bool:
        return self.down_since is None or time.monotonic() >= self.retry_at

    def failed(self, location: str, exc: BaseException) -> None:
        now = time.monotonic()
        with self.lock:
            first = self.down_since is None
            if first:
                self.down_since = now
            self.retry_at = now + RETRY_AFTER
            warn = first or now - self.warned_at >= WARN_EVERY
            if warn:
                self.warned_at = now
        if warn:
            logger.warning(
                "Cache %s unreachable (%s: %s): serving uncached pages with a per-process "
                "fallback cache until it answers again.",
                location,
                type(exc).__name__,
                exc,
            )

    def answered(self, location: str) -> None:
        if self.down_since is None:
            return
        with self.lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            self.down_since = None
            self.warned_at = 0.0
        logger.warning("Cache %s answers again after %.0f s.", location, seconds)


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class _ReusedClient(RedisCacheClient):
    """Django's Redis cache client builds a ``redis.Redis`` for every operation, which costs
    about as much as the round trip itself; one per connection pool serves them all
    (``redis.Redis`` is thread-safe: its pool hands each command a connection, and a pool
    inherited by a forked worker opens fresh connections)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class ResilientRedisCache(RedisCache):
    """``RedisCache`` that answers from a per-process memory cache while Redis is down."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClient
        self._location = server if isinstance(server, str) else ",".join(server)
        self._outage = _outage_for(self._location)
        self._fallback = LocMemCache(
            f"wego-cache-fallback:{self._location}",
            {
                "TIMEOUT": min(self.default_timeout or FALLBACK_MAX_TIMEOUT, FALLBACK_MAX_TIMEOUT),
                "KEY_PREFIX": self.key_prefix,
                "VERSION": self.version,
                "KEY_FUNCTION": self.key_func,
                "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES},
            },
        )

    # --- Health -------------------------------------------------------------------------------

    @property
    def degraded(self) -> bool:
        """Whether this process is answering from the fallback (Redis last seen down)."""
        return self._outage.down_since is not None

    def redis_available(self) -> bool:
        """Ask Redis itself (not the fallback) whether it answers; records the outcome."""
        try:
            self._cache.get_client(write=True).ping()
        except REDIS_ERRORS as exc:
            self._outage.failed(self._location, exc)
            return False
        self._outage.answered(self._location)
        return True

    # --- Every operation: Redis, or the fallback ----------------------------------------------

    def _call(self, name: str, fallback_kwargs: dict | None, *args, **kwargs):
        if self._outage.usable():
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except REDIS_ERRORS as exc:
                self._outage.failed(self._location, exc)
            else:
                self._outage.answered(self._location)
                return result
        if fallback_kwargs is not None:
            kwargs = {**kwargs, **fallback_kwargs}
        return getattr(self._fallback, name)(*args, **kwargs)

    def _fallback_timeout(self, timeout):
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        if timeout is None:
            return FALLBACK_MAX_TIMEOUT
        return min(timeout, FALLBACK_MAX_TIMEOUT)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            "add",
            {"timeout": self._fallback_timeout(timeout)},
            key,
            value,
            timeout=timeout,
            version=version,
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(
            "set",
            {"timeout": self._fallback_timeout(timeout)},
            key,
            value,
            timeout=timeout,
            version=version,
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            "touch",
            {"timeout": self._fallback_timeout(timeout)},
            key,
            timeout=timeout,
            version=version,
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            "set_many",
            {"timeout": self._fallback_timeout(timeout)},
            data,
            timeout=timeout,
            version=version,
        )

    def get(self, key, default=None, version=None):
        missing = object()
        value = self._call("get", None, key, default=missing, version=version)
        hit = value is not missing
        count_cache_lookup(hits=int(hit), misses=int(not hit))
        return value if hit else default

    def delete(self, key, version=None):
        return self._call("delete", None, key, version=version)

    def get_many(self, keys, version=None):
        keys = list(keys)
        found = self._call("get_many", None, keys, version=version)
        count_cache_lookup(hits=len(found), misses=len(keys) - len(found))
        return found

    def has_key(self, key, version=None):
        return self._call("has_key", None, key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", None, key, delta=delta, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version=version)

    def count_in_window(self, key: str, previous_key: str, timeout: int) -> tuple[int, int]:
        """Add one to the counter ``key`` (which expires ``timeout`` seconds after its first
        count) and read the counter ``previous_key``: one round trip to Redis (a pipeline),
        or the fallback's operations while Redis is down. Returns both counts."""
        if self._outage.usable():
            current = self.make_and_validate_key(key)
            previous = self.make_and_validate_key(previous_key)
            try:
                pipeline = self._cache.get_client(current, write=True).pipeline(transaction=False)
                pipeline.set(current, 0, ex=timeout, nx=True)
                pipeline.incr(current)
                pipeline.get(previous)
                _created, count, before = pipeline.execute()
            except REDIS_ERRORS as exc:
                self._outage.failed(self._location, exc)
            else:
                self._outage.answered(self._location)
                return int(count), int(before or 0)
        return _count_with_operations(self._fallback, key, previous_key, timeout)

    def clear(self):
        self._fallback.clear()
        return self._call("clear", None)


def count_in_window(cache, key: str, previous_key: str, timeout: int) -> tuple[int, int]:
    """``ResilientRedisCache.count_in_window`` for any cache (another backend: its own
    operations, three round trips)."""
    if isinstance(cache, ResilientRedisCache):
        return cache.count_in_window(key, previous_key, timeout)
    return _count_with_operations(cache, key, previous_key, timeout)


def _count_with_operations(cache, key: str, previous_key: str, timeout: int) -> tuple[int, int]:
    before = cache.get(previous_key, 0)
    cache.add(key, 0, timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        count = 1
    return count, before


class PrefixScopedRedisCache(ResilientRedisCache):
    """``ResilientRedisCache`` whose ``clear()`` deletes only its own keys (``KEY_PREFIX``)
    instead of flushing the whole Redis database, so that several processes can share one
    database without emptying each other's cache (the test suite's parallel workers)."""

    CLEAR_BATCH = 500

    def clear(self):
        self._fallback.clear()
        if not self._outage.usable():
            return False
        pattern = f"{self.key_prefix}:*" if self.key_prefix else "*"
        try:
            client = self._cache.get_client(None, write=True)
            batch = []
            for key in client.scan_iter(match=pattern, count=self.CLEAR_BATCH):
                batch.append(key)
                if len(batch) >= self.CLEAR_BATCH:
                    client.delete(*batch)
                    batch = []
            if batch:
                client.delete(*batch)
        except REDIS_ERRORS as exc:
            self._outage.failed(self._location, exc)
            return False
        self._outage.answered(self._location)
        return True
