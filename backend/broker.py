"""Fan-out between processes: in-process by default, Redis pub/sub when REDIS_URL is set.

    token = broker.subscribe("session:12", callback)   # callback(message: dict) on a broker thread
    broker.publish("session:12", {"type": "message", ...})
    broker.unsubscribe(token)

Messages are JSON-serialisable dicts. Delivery is at-most-once and best effort: anything that must
survive is stored in the database first (a reconnecting client catches up from there).
"""
import itertools
import json
import logging
import threading
from collections import defaultdict

log = logging.getLogger(__name__)


class LocalBroker:
    """Everything in one process: publish calls the subscribers directly."""
    kind = "in-process"

    def __init__(self):
        self._lock = threading.Lock()
        self._subs = defaultdict(dict)
        self._ids = itertools.count(1)

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

    def _dispatch(self, channel, message):
        with self._lock:
            callbacks = list(self._subs.get(channel, {}).values())
        for callback in callbacks:
            try:
                callback(message)
            except Exception:  # one bad subscriber must not stop the others
                log.exception("broker subscriber failed on %s", channel)

    def health(self):
        return "ok"

    def close(self):
        pass


class RedisBroker(LocalBroker):
    """Publish through Redis; one listener thread per process dispatches to local subscribers."""
    kind = "redis"

    def __init__(self, url, prefix="tuttu:"):
        super().__init__()
        import redis
        self.prefix = prefix
        self.redis = redis.Redis.from_url(url, health_check_interval=30)
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        self.pubsub.psubscribe(**{f"{prefix}*": self._on_message})
        self.thread = self.pubsub.run_in_thread(sleep_time=1.0, daemon=True)

    def _on_message(self, raw):
        channel = raw["channel"].decode()[len(self.prefix):]
        self._dispatch(channel, json.loads(raw["data"]))

    def publish(self, channel, message):
        self.redis.publish(self.prefix + channel, json.dumps(message, separators=(",", ":")))

    def health(self):
        try:
            self.redis.ping()
            return "ok"
        except Exception as exc:  # reported by /healthz, never raised
            return f"error: {exc.__class__.__name__}"

    def close(self):
        self.thread.stop()
        self.thread.join(timeout=3)     # let the listener finish its read before the socket closes
        self.pubsub.close()


broker: LocalBroker = LocalBroker()


def init_app(app):
    """Choose the broker for this process from REDIS_URL."""
    global broker
    url = app.config.get("REDIS_URL")
    wanted = "redis" if url else "in-process"
    if broker.kind != wanted or getattr(broker, "url", None) != url:
        broker.close()
        broker = RedisBroker(url) if url else LocalBroker()
        broker.url = url
    app.extensions["broker"] = broker


def get_broker() -> LocalBroker:
    return broker
