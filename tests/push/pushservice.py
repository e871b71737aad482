"""A local Web Push service for tests and benchmarks (loopback only).

It behaves like a real push service (RFC 8030/8291/8292) as far as a sender can tell:

* hands out subscriptions for simulated browsers: ``subscribe()`` generates a P-256 key pair and a
  16-byte auth secret and returns ``{"endpoint", "keys": {"p256dh", "auth"}}``;
* ``POST /push/<token>`` checks the VAPID ``Authorization: vapid t=<jwt>, k=<key>`` header (ES256
  signature by ``k``, ``aud`` equal to the endpoint origin, ``exp`` in the future and at most 24 h
  ahead, ``sub`` present), the ``TTL``, ``Urgency`` and ``Topic`` headers and
  ``Content-Encoding: aes128gcm``, then decrypts the body with the subscription's private key using
  ``http_ece`` (an implementation independent of the sending code) and records the message;
* can be told per endpoint to answer 404, 410, 413, 429 (with ``Retry-After``) or 500, once or
  always (``answer()``).

Use it in-process (``with PushService() as service: ...``) or as a separate process for benchmarks
(``python tests/push/pushservice.py --port 8700``), controlled through ``/_admin/...`` JSON routes.
"""
import argparse
import base64
import itertools
import json
import os
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

MAX_BODY = 4096
MAX_EXP_AHEAD = 24 * 3600
URGENCIES = {"very-low", "low", "normal", "high"}
TOPIC_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Refused(Exception):
    """The push service refuses a message: ``status`` and a short ``reason``."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass
class Received:
    """One message the push service accepted (already decrypted)."""

    endpoint: str
    payload: bytes
    ttl: int
    urgency: str | None
    topic: str | None
    token: str
    at: float

    def json(self):
        return json.loads(self.payload)


@dataclass
class Endpoint:
    """The simulated browser behind one endpoint, and how the service answers for it."""

    token: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    application_server_key: str | None = None
    answers: list = field(default_factory=list)  # [(status, retry_after, remaining or None)]
    messages: list = field(default_factory=list)


class PushService:
    """An HTTP push service on 127.0.0.1; see the module docstring."""

    def __init__(self, host="127.0.0.1", port=0, decrypt=True):
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise ValueError("the test push service listens on loopback only")
        self.decrypt = decrypt
        self.endpoints: dict[str, Endpoint] = {}
        self.lock = threading.Lock()
        self.counts = Counter()  # status and refusal reasons
        self.tokens_verified = set()  # distinct VAPID JWTs whose signature was checked
        self.duplicates = 0  # same payload twice on one endpoint
        self._payloads_seen = set()
        self._verified = {}  # (jwt, key) -> claims whose signature was already checked
        self._ids = itertools.count(1)
        self.server = _Server((host, port), _Handler)
        self.server.push = self
        self.thread = None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def origin(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- simulated browsers ----------------------------------------------------------------
    def subscribe(self, application_server_key=None):
        """A new subscription as a browser's ``PushSubscription.toJSON()`` gives it."""
        key = ec.generate_private_key(ec.SECP256R1())
        ep = Endpoint(b64url(os.urandom(18)), key, os.urandom(16), application_server_key)
        with self.lock:
            self.endpoints[ep.token] = ep
        public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {"endpoint": f"{self.origin}/push/{ep.token}",
                "keys": {"p256dh": b64url(public), "auth": b64url(ep.auth)}}

    def answer(self, endpoint, status, *, retry_after=None, times=None):
        """From now on answer ``status`` for ``endpoint`` (``times`` times, or always if None)."""
        ep = self._endpoint(endpoint)
        with self.lock:
            ep.answers.append([status, retry_after, times])

    def unsubscribe(self, endpoint):
        """The browser dropped the subscription: the endpoint answers 410 Gone from now on."""
        self.answer(endpoint, 410)

    def messages(self, endpoint=None):
        """Messages accepted (for one endpoint, or all), oldest first."""
        with self.lock:
            if endpoint is not None:
                return list(self._endpoint(endpoint).messages)
            return sorted((m for ep in self.endpoints.values() for m in ep.messages),
                          key=lambda m: m.at)

    def stats(self):
        with self.lock:
            return {"accepted": self.counts[201], "counts": {str(k): v for k, v in self.counts.items()},
                    "vapid_tokens": len(self.tokens_verified), "duplicates": self.duplicates,
                    "endpoints": len(self.endpoints), "cpu_seconds": round(time.process_time(), 1)}

    def _endpoint(self, endpoint):
        token = endpoint.rsplit("/", 1)[-1]
        return self.endpoints[token]

    # -- receiving -------------------------------------------------------------------------
    def receive(self, token, headers, body):
        """Check and record one push message; returns (status, extra headers) or raises Refused."""
        ep = self.endpoints.get(token)
        if ep is None:
            raise Refused(404, "no such subscription")
        canned = self._canned_answer(ep)
        if canned:
            return canned
        claims = self._verify_vapid(headers.get("Authorization", ""), ep)
        ttl, urgency, topic = self._check_headers(headers, body)
        payload = self._decrypt(ep, body) if self.decrypt else body
        msg = Received(f"{self.origin}/push/{token}", payload, ttl, urgency, topic,
                       claims["_token"], time.time())
        with self.lock:
            key = (token, payload)
            if key in self._payloads_seen:
                self.duplicates += 1
            self._payloads_seen.add(key)
            ep.messages.append(msg)
        return 201, {"Location": f"/message/{next(self._ids)}", "TTL": str(ttl)}

    def _canned_answer(self, ep):
        with self.lock:
            while ep.answers:
                status, retry_after, remaining = ep.answers[0]
                if remaining == 0:
                    ep.answers.pop(0)
                    continue
                if remaining is not None:
                    ep.answers[0][2] -= 1
                if status == 201:
                    return None
                extra = {"Retry-After": str(retry_after)} if retry_after is not None else {}
                return status, extra
        return None

    def _verify_vapid(self, authorization, ep):
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise Refused(401, "missing vapid authorization")
        parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
        token, key = parts.get("t"), parts.get("k")
        if not token or not key:
            raise Refused(401, "vapid t= and k= required")
        if ep.application_server_key and key != ep.application_server_key:
            raise Refused(403, "key differs from the subscription's applicationServerKey")
        claims = self._verified.get((token, key))
        if claims is None:
            try:
                public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
                claims = jwt.decode(token, public, algorithms=["ES256"], audience=self.origin,
                                    options={"require": ["aud", "exp", "sub"]})
            except (ValueError, jwt.InvalidTokenError) as e:
                raise Refused(401, f"invalid vapid token: {e}") from None
            if claims["exp"] > time.time() + MAX_EXP_AHEAD + 60:
                raise Refused(401, "vapid exp more than 24 hours ahead")
            claims["_token"] = token
            with self.lock:
                self.tokens_verified.add(token)
                self._verified[(token, key)] = claims     # signature checked once per token
        if claims["exp"] <= time.time():
            raise Refused(401, "invalid vapid token: Signature has expired")
        return claims

    @staticmethod
    def _check_headers(headers, body):
        if headers.get("TTL") is None or not headers["TTL"].isdigit():
            raise Refused(400, "TTL header required")
        if headers.get("Content-Encoding", "").lower() != "aes128gcm":
            raise Refused(415, "Content-Encoding must be aes128gcm")
        if len(body) > MAX_BODY:
            raise Refused(413, "payload too large")
        urgency, topic = headers.get("Urgency"), headers.get("Topic")
        if urgency is not None and urgency not in URGENCIES:
            raise Refused(400, "bad Urgency")
        if topic is not None and (len(topic) > 32 or not set(topic) <= TOPIC_CHARS):
            raise Refused(400, "bad Topic")
        return int(headers["TTL"]), urgency, topic

    @staticmethod
    def _decrypt(ep, body):
        try:
            return http_ece.decrypt(body, private_key=ep.private_key, auth_secret=ep.auth,
                                    version="aes128gcm")
        except Exception as e:  # http_ece raises several kinds
            raise Refused(400, f"cannot decrypt: {e}") from None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512     # a class attribute: listen() runs in __init__ (the default 5 drops a fan-out's connects)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive connections

    def log_message(self, *args):
        pass

    def _reply(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_POST(self):
        push = self.server.push
        body = self._body()
        if self.path.startswith("/_admin/"):
            return self._admin(push, json.loads(body or b"{}"))
        if not self.path.startswith("/push/"):
            return self._reply(404)
        try:
            status, extra = push.receive(self.path[len("/push/"):], self.headers, body)
        except Refused as r:
            status, extra = r.status, {}
            with push.lock:
                push.counts[f"refused: {r.reason.split(':')[0]}"] += 1
        with push.lock:
            push.counts[status] += 1
        self._reply(status, b"", extra)

    def do_GET(self):
        if self.path == "/_admin/stats":
            return self._json(self.server.push.stats())
        self._reply(404)

    def _admin(self, push, data):
        if self.path == "/_admin/subscribe":
            return self._json([push.subscribe(data.get("application_server_key"))
                               for _ in range(int(data.get("count", 1)))])
        if self.path == "/_admin/answer":
            for endpoint in data["endpoints"]:
                push.answer(endpoint, data["status"], retry_after=data.get("retry_after"),
                            times=data.get("times"))
            return self._json({"ok": True})
        if self.path == "/_admin/messages":
            return self._json([{**asdict(m), "payload": m.payload.decode("utf-8", "replace")}
                               for m in push.messages(data.get("endpoint"))])
        self._reply(404)

    def _json(self, data):
        self._reply(200, json.dumps(data).encode(), {"Content-Type": "application/json"})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--no-decrypt", action="store_true")
    args = parser.parse_args()
    service = PushService(port=args.port, decrypt=not args.no_decrypt)
    print(f"push service on {service.origin}", flush=True)
    try:
        service.server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
