"""The chat's rate limits: token buckets (bursts, and slow mode as a bucket of one), shared by every process.

With Redis (REDIS_URL) a bucket lives in one Redis hash under the deployment's prefix and is taken by a
Lua script on Redis's clock, so a youth with sockets on two web processes has one bucket. Without Redis,
or while Redis is away, buckets live in this process's memory (one log line when that starts and ends).

    wait = take_token(("12", "y7", "say"), capacity=3, per_second=1 / 3)   # None, or seconds to wait
"""
import logging
import math
import threading
import time

from ..broker import shared_redis
from ..outages import Outage

log = logging.getLogger(__name__)
outage = Outage("chat rate limits (Redis; per process meanwhile)", log)

TAKE = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local capacity, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local held = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens, updated = tonumber(held[1]) or capacity, tonumber(held[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - updated) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'u', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
return tostring(wait)
"""

_buckets: dict = {}                  # in memory: key -> (tokens, monotonic time of the last take)
_lock = threading.Lock()
_scripts = {}                        # redis client id -> registered script


def _key_text(key) -> str:
    return ":".join(str(part) for part in key) if isinstance(key, tuple) else str(key)


def take_token(key, capacity, per_second):
    """Token bucket: None when allowed, else seconds to wait (rounded to 0.1 s)."""
    client, prefix = shared_redis()
    if client is not None:
        try:
            script = _scripts.get(id(client))
            if script is None:
                script = _scripts[id(client)] = client.register_script(TAKE)
            wait = float(script(keys=[f"{prefix}chat:limit:{_key_text(key)}"], args=[capacity, repr(float(per_second))]))
            outage.recovered()
            return None if wait <= 0 else _round_up(wait)
        except Exception as exc:        # Redis away: this process's memory until it is back
            outage.failed(exc)
    return _take_in_memory(key, capacity, per_second)


def _round_up(wait):
    return max(0.1, math.ceil(wait * 10) / 10)


def _take_in_memory(key, capacity, per_second):
    now = time.monotonic()
    with _lock:
        if len(_buckets) > 20_000:             # forget buckets idle for ten minutes (they are full again)
            for stale in [k for k, (_, seen) in _buckets.items() if now - seen > 600]:
                _buckets.pop(stale, None)
        tokens, updated = _buckets.get(key, (capacity, now))
        tokens = min(capacity, tokens + (now - updated) * per_second)
        if tokens >= 1:
            _buckets[key] = (tokens - 1, now)
            return None
        _buckets[key] = (tokens, now)
    return round((1 - tokens) / per_second, 1)


def reset_limits():
    """Forget every bucket of this deployment (a new app starts fresh: buckets are keyed by database ids)."""
    with _lock:
        _buckets.clear()
    client, prefix = shared_redis()
    if client is None:
        return
    try:
        keys = list(client.scan_iter(match=f"{prefix}chat:limit:*", count=1000))
        if keys:
            client.delete(*keys)
    except Exception as exc:
        outage.failed(exc)
