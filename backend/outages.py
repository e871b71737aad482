"""An outage of a service we depend on (PostgreSQL, Redis): one log line when it starts, one when it ends.

    redis_outage = Outage("chat rate limits (Redis)")
    try: ...; redis_outage.recovered()
    except ConnectionError as exc: redis_outage.failed(exc)      # logs only the first failure

A service that is down is an outage, not a bug: no traceback per request.
"""
import logging
import threading
import time


class Outage:
    """One service's outage: `failed(exc)` logs once when it starts, `recovered()` once when it ends."""

    def __init__(self, name, log=None):
        self.name, self.since, self.error = name, None, None
        self.log = log or logging.getLogger("tuttu.outage")
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, exc):
        with self._lock:
            first, self.error = self.since is None, f"{exc.__class__.__name__}: {str(exc).strip()[:120]}"
            if first:
                self.since = time.time()
        if first:
            self.log.warning("%s unavailable (%s)", self.name, self.error)

    def recovered(self):
        if self.since is None:
            return
        with self._lock:
            since, self.since = self.since, None
        if since is not None:
            self.log.warning("%s available again after %.1f s", self.name, time.time() - since)
