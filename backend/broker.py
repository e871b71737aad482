"""Fan-out between processes: in-process by default, Redis pub/sub when REDIS_URL is set.

    token = broker.subscribe("session:12", callback)   # callback(message: dict) on a broker thread
    broker.publish("session:12", {"type": "message", ...})
    broker.unsubscribe(token)

Messages are JSON-serialisable dicts. Delivery is at-most-once and best effort: anything that must
survive is stored in the database first (a reconnecting client catches up from there).

The Redis broker survives Redis going away: its listener reconnects with backoff and subscribes
again; meanwhile `publish` delivers to this process's own subscribers, and once the listener is back
every `on_reconnect` callback runs (the chat's rooms fill their gap from the database). Every
channel carries the deployment's prefix (TUTTU_REDIS_PREFIX), so deployments sharing a Redis never
see each other. `health()` tells the state and since when; one log line per outage, one per recovery.
"""
import itertools
import json
import logging
import threading
import time
import uuid
from collections import defaultdict
from datetime import datetime, timezone

log = logging.getLogger(__name__)

BACKOFF_FIRST = 0.1      # seconds before the first reconnect attempt; doubles up to BACKOFF_MAX
BACKOFF_MAX = 2.0


def _iso(ts):
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class LocalBroker:
    """Everything in one process: publish calls the subscribers directly."""
    kind = "in-process"
    state = "ok"
    reconnects = 0
    redis = None
    prefix = ""

    def __init__(self):
        self._lock = threading.Lock()
        self._subs = defaultdict(dict)
        self._ids = itertools.count(1)
        self._reconnect_hooks = []
        self.since = time.time()

    def subscribe(self, channel, callback):
        with self._lock:
            token = (channel, next(self._ids))
            self._subs[channel][token] = callback
        return token

    def unsubscribe(self, token):
        with self._lock:
            self._subs.get(token[0], {}).pop(token, None)

    def publish(self, channel, message):
        self._dispatch(channel, message)

    def on_reconnect(self, callback):
        """Call `callback()` each time fan-out between processes works again after an outage."""
        if callback not in self._reconnect_hooks:
            self._reconnect_hooks.append(callback)

    def _dispatch(self, channel, message):
        with self._lock:
            callbacks = list(self._subs.get(channel, {}).values())
        for callback in callbacks:
            try:
                callback(message)
            except Exception:  # one bad subscriber must not stop the others
                log.exception("broker subscriber failed on %s", channel)

    def health(self) -> dict:
        return {"state": self.state, "kind": self.kind, "since": _iso(self.since), "reconnects": self.reconnects}

    def healthy(self) -> bool:
        return self.state == "ok"

    def close(self):
        pass


class RedisBroker(LocalBroker):
    """Publish through Redis; one listener thread per process dispatches to local subscribers.

    state: "connecting" (first subscribe pending), "ok" (subscribed: fan-out works), "down" (Redis
    unreachable or the subscription lost; this process's sockets still get its own messages).
    """
    kind = "redis"

    def __init__(self, url, prefix="tuttu:"):
        super().__init__()
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry
        self.url, self.prefix = url, prefix
        self.state, self.error = "connecting", None
        self.lag_observer = None        # metrics: callback(seconds from publish to dispatch)
        # No retries inside redis-py: a publish during an outage fails at once and is delivered locally.
        self.redis = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5,
                                          health_check_interval=5, retry=Retry(NoBackoff(), 0))
        self._stop = threading.Event()
        # A channel outside the prefix that only this listener hears: close() publishes on it to end the wait
        # for the next message at once (instead of up to a second), and no other process is woken.
        self._wake = f"{prefix.rstrip(':')}-wake:{uuid.uuid4().hex}"
        self._resubscribe = threading.Event()
        self._connected = threading.Event()
        self.thread = threading.Thread(target=self._listen, name="broker-listener", daemon=True)
        self.thread.start()
        self._connected.wait(1.0)       # usually subscribed at once; a Redis that is down doesn't hold up start

    # --- the listener ------------------------------------------------------------------------------
    def _listen(self):
        delay = BACKOFF_FIRST
        while not self._stop.is_set():
            pubsub = None
            try:
                self._resubscribe.clear()           # this new subscription is the fresh start a publish asked for
                pubsub = self.redis.pubsub()
                pubsub.psubscribe(self.prefix + "*")
                pubsub.subscribe(self._wake)
                while not self._stop.is_set():
                    if self._resubscribe.is_set():
                        raise ConnectionError("publish failed: subscribing again")
                    raw = pubsub.get_message(timeout=1.0)
                    if raw is None:
                        continue
                    if raw["type"] == "psubscribe":
                        delay = BACKOFF_FIRST
                        self._mark_up()
                    elif raw["type"] == "pmessage":
                        self._on_message(raw)
            except Exception as exc:
                if self._stop.is_set():
                    break
                self._mark_down(exc)
            finally:
                if pubsub is not None:
                    try:
                        pubsub.close()
                    except Exception:
                        pass
            self._stop.wait(delay)
            delay = min(delay * 2, BACKOFF_MAX)

    def _mark_up(self):
        with self._lock:
            was, down_since = self.state, self.since
            self.state, self.since, self.error = "ok", time.time(), None
        self._connected.set()
        if was == "down":
            self.reconnects += 1
            log.warning("broker: Redis fan-out restored after %.1f s; catching up from the database",
                        time.time() - down_since)
            for hook in list(self._reconnect_hooks):
                try:
                    hook()
                except Exception:
                    log.exception("broker: a reconnect callback failed")
        elif was == "connecting":
            log.info("broker: subscribed to Redis (%s*)", self.prefix)

    def _mark_down(self, exc):
        with self._lock:
            was = self.state
            if was != "down":
                self.state, self.since = "down", time.time()
            self.error = exc.__class__.__name__
        if was != "down":
            self._connected.clear()
            log.warning("broker: Redis fan-out lost (%s: %s); this process delivers to its own sockets and "
                        "reconnects", exc.__class__.__name__, str(exc)[:120])

    def _on_message(self, raw):
        try:
            channel = raw["channel"].decode()[len(self.prefix):]
            message = json.loads(raw["data"])
            sent = message.pop("_sent", None)
        except (ValueError, AttributeError, UnicodeDecodeError):
            log.warning("broker: ignored a malformed message on %r", raw.get("channel"))
            return
        if sent is not None and self.lag_observer is not None:
            self.lag_observer(max(0.0, time.time() - sent))
        self._dispatch(channel, message)

    # --- publishing --------------------------------------------------------------------------------
    def publish(self, channel, message):
        """Fan out through Redis; when that is impossible, at least to this process's subscribers."""
        if self.state == "ok":
            try:
                self.redis.publish(self.prefix + channel,
                                   json.dumps({**message, "_sent": time.time()}, separators=(",", ":")))
                return
            except Exception as exc:
                self._mark_down(exc)
                self._resubscribe.set()     # the listener may not have noticed yet: make it start over
        self._dispatch(channel, message)

    def wait_connected(self, timeout=5.0) -> bool:
        return self._connected.wait(timeout)

    def health(self) -> dict:
        body = super().health()
        if self.state != "ok":
            body["for_seconds"] = round(time.time() - self.since, 1)
            body["error"] = self.error
        return body

    def close(self):
        self._stop.set()
        if self.state == "ok":          # when not, the listener is in its backoff wait, which _stop ends
            try:
                self.redis.publish(self._wake, "")
            except Exception:
                pass
        self.thread.join(timeout=3)     # let the listener finish its read before the socket closes
        try:
            self.redis.close()
        except Exception:
            pass


broker: LocalBroker = LocalBroker()


def init_app(app):
    """Choose the broker for this process from REDIS_URL (channels under REDIS_PREFIX)."""
    global broker
    url = app.config.get("REDIS_URL")
    prefix = app.config.get("REDIS_PREFIX") or "tuttu:"
    wanted = "redis" if url else "in-process"
    if broker.kind != wanted or getattr(broker, "url", None) != url or (url and broker.prefix != prefix):
        broker.close()
        broker = RedisBroker(url, prefix) if url else LocalBroker()
        broker.url = url
    app.extensions["broker"] = broker


def get_broker() -> LocalBroker:
    return broker


def shared_redis():
    """(redis client, key prefix) when this process shares state through Redis, else (None, None).

    Also (None, None) while the broker knows Redis is away: callers use their memory at once instead of
    waiting for a connection that fails.
    """
    current = get_broker()
    return (current.redis, current.prefix) if current.kind == "redis" and current.healthy() else (None, None)
