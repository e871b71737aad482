"""What one socket, one address or one device may cost the chat (per web process).

* FrameBudget: every frame a socket sends takes a token before anything parses it; a socket that keeps
  sending with no tokens left runs into debt and is closed with 1008.
* SocketCount: open sockets per client address (a school behind one address is a few hundred).
* JoinRate: sockets opened per client address per second (a join costs a few ms of the worker).
* report_allowed: reports per device (youth) or address (observers), across all their sockets.
* JoinGate: how many sockets may be in their join (handshake, welcome, catch-up) at once, so that a
  storm of joins waits its turn instead of crowding out the messages of the sockets already in.
Client addresses are kept only as a hash, only in memory, only while a socket is open (or for the
report window).
"""
import hashlib
import json
import math
import threading
import time

from ..metrics import count_request

SOCKET_ROUTE = "/ws/sessions/<int:session_id>"     # the chat socket's route (ws.py), as /metrics names it


class FrameBudget:
    """A token bucket of `burst` frames refilled at `per_second`; `abuse` frames beyond it close the socket."""

    def __init__(self, burst, per_second, abuse, clock=time.monotonic):
        self.burst, self.rate, self.abuse, self.clock = burst, per_second, abuse, clock
        self.tokens, self.updated = float(burst), clock()
        self.refused = 0                 # frames refused since the budget last allowed one

    def take(self) -> str:
        """"ok", "over" (drop this frame) or "abuse" (close the socket)."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.refused = 0
            return "ok"
        self.tokens -= 1                 # debt: a flood does not refill while it floods
        self.refused += 1
        return "abuse" if self.refused > self.abuse else "over"

    def retry_after(self) -> float:
        return round(max(0.0, 1 - self.tokens) / self.rate, 1)


def address_key(address: str | None) -> str:
    return hashlib.sha256((address or "-").encode()).hexdigest()[:24]


class SocketCount:
    """Open sockets per key (a hashed address); `enter` refuses beyond the cap."""

    def __init__(self):
        self.lock = threading.Lock()
        self.open: dict = {}

    def enter(self, key, cap) -> bool:
        with self.lock:
            n = self.open.get(key, 0)
            if n >= cap:
                return False
            self.open[key] = n + 1
            return True

    def leave(self, key):
        with self.lock:
            n = self.open.get(key, 0) - 1
            if n > 0:
                self.open[key] = n
            else:
                self.open.pop(key, None)

    def clear(self):
        with self.lock:
            self.open.clear()


class JoinRate:
    """Sockets opened per key (a hashed address) per second: a token bucket; `take` says how long to wait."""

    def __init__(self, clock=time.monotonic):
        self.lock = threading.Lock()
        self.buckets: dict = {}
        self.clock = clock

    def take(self, key, burst, per_second) -> float | None:
        with self.lock:
            now = self.clock()
            if len(self.buckets) > 20_000:
                for stale in [k for k, (_, seen) in self.buckets.items() if now - seen > 600]:
                    self.buckets.pop(stale, None)
            tokens, updated = self.buckets.get(key, (float(burst), now))
            tokens = min(burst, tokens + (now - updated) * per_second)
            if tokens >= 1:
                self.buckets[key] = (tokens - 1, now)
                return None
            self.buckets[key] = (tokens, now)
            return (1 - tokens) / per_second

    def clear(self):
        with self.lock:
            self.buckets.clear()


class JoinGate:
    """WSGI middleware in front of the socket route (paths under /ws/), before any of Flask's work:

    1. the address's caps: sockets opened per second (JoinRate) and open at once (SocketCount); over
       either, 429 with Retry-After at the cost of a few dict lookups, so 1,000 sockets from one address
       cost the room little (tests/benchmarks/chat_abuse.py);
    2. turns: at most CHAT_JOINS_AT_ONCE sockets between here and the end of their welcome at once, per
       process. The rest wait, not runnable, so the worker's loop keeps turning for the sockets already
       in: at 16:00, 2,000 phones joining at once cost the same CPU but no longer hold up the messages
       sent meanwhile (tests/benchmarks/chat_storm.py: their p99 1.2 s without turns, 0.25-0.39 s with
       them). A join that waits longer than `wait` seconds gets 503 with Retry-After.
    The socket route calls environ["tuttu.joined"]() once its welcome is out; the end of the request
    gives the turn back otherwise (a refused or failed join), and the address's place when it closes.
    The PWA reconnects with backoff after a 429 or 503. Needs the client's address in REMOTE_ADDR:
    ProxyFix, where configured, wraps the app outside this (create_app).
    """

    def __init__(self, app, wait=15.0):
        self.app, self.inner, self.wait = app, app.wsgi_app, wait
        self.lock = threading.Lock()
        self.slots = None                 # made on the first join, from the app's setting (0: no turns)

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/ws/"):
            return self.inner(environ, start_response)
        config = self.app.config
        address = address_key(environ.get("REMOTE_ADDR"))
        wait = joins_by_address.take(address, config["CHAT_JOIN_BURST"], config["CHAT_JOINS_PER_SECOND"])
        if wait is not None or not sockets_by_address.enter(address, config["CHAT_SOCKETS_PER_ADDRESS"]):
            return refuse(start_response, "429 Too Many Requests", "rate_limited",
                          "Too many chat connections from this address just now.", max(1, math.ceil(wait or 1)))
        try:
            environ["tuttu.chat_address"] = address
            return self._take_turn(environ, start_response)
        finally:
            sockets_by_address.leave(address)

    def _take_turn(self, environ, start_response):
        if self.slots is None:
            with self.lock:
                if self.slots is None:
                    size = self.app.config["CHAT_JOINS_AT_ONCE"]
                    self.slots = threading.BoundedSemaphore(size) if size > 0 else False
        if self.slots is False:
            environ["tuttu.joined"] = _no_turn
            return self.inner(environ, start_response)
        if not self.slots.acquire(timeout=self.wait):
            return refuse(start_response, "503 Service Unavailable", "busy",
                          "Many people are joining right now. Try again in a moment.", 2)
        held = [True]

        def joined():
            if held[0]:
                held[0] = False
                self.slots.release()
        environ["tuttu.joined"] = joined
        try:
            return self.inner(environ, start_response)
        finally:
            joined()


def _no_turn():
    pass


def refuse(start_response, status, code, message, retry_after):
    """The API's error shape (errors.py), written without Flask: refusing must cost next to nothing. Counted
    in /metrics with the other answers of the socket route (the after-request hook never sees these)."""
    count_request("GET", SOCKET_ROUTE, status.split(" ", 1)[0])
    body = json.dumps({"error": {"code": code, "message": message, "fields": {}}}).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                            ("Retry-After", str(retry_after)), ("Cache-Control", "no-store"), *REFUSAL_HEADERS])
    return [body]


# The headers every other answer gets from flask-talisman (security.py), for an answer made before Flask:
# nothing in a refusal is ever to be rendered, framed or sniffed.
REFUSAL_HEADERS = (("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
                   ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                   ("Referrer-Policy", "no-referrer"))


sockets_by_address = SocketCount()
joins_by_address = JoinRate()
_reports: dict = {}
_reports_lock = threading.Lock()


def report_allowed(conn, burst, per_hour, clock=time.monotonic) -> float | None:
    """None when this device/address may report now, else seconds to wait."""
    key = ("d", conn.device) if conn.device else ("s", conn.staff_id) if conn.staff_id else ("a", conn.address)
    rate = per_hour / 3600.0
    with _reports_lock:
        now = clock()
        if len(_reports) > 20_000:
            for stale in [k for k, (_, seen) in _reports.items() if now - seen > 3600]:
                _reports.pop(stale, None)
        tokens, updated = _reports.get(key, (float(burst), now))
        tokens = min(burst, tokens + (now - updated) * rate)
        if tokens >= 1:
            _reports[key] = (tokens - 1, now)
            return None
        _reports[key] = (tokens, now)
        return round((1 - tokens) / rate, 1)


def reset():
    """Forget every count (a new app starts fresh)."""
    sockets_by_address.clear()
    joins_by_address.clear()
    with _reports_lock:
        _reports.clear()
