"""Sending Web Push messages: VAPID keys, one signature per push-service origin, aes128gcm payloads.

The `webpush` package does the payload encryption (RFC 8291, aes128gcm). Its `WebPush.get()` is not
used because it signs a new VAPID JWT for every message, computes `aud` without the port, defaults
`TTL` to 0 (a reminder would be dropped when the phone is asleep) and sets neither `Urgency` nor
`Topic`. Here the JWT is signed once per origin and reused until shortly before it expires, and
TTL/Urgency/Topic come from the notification. Connections are pooled per origin (urllib3) and a
thread pool sends a batch concurrently.
"""
import ipaddress
import logging
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import jwt
import urllib3
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from webpush import WebPush
from webpush.vapid import VAPID

log = logging.getLogger(__name__)

MAX_PAYLOAD = 3993          # 4096-byte record minus salt, header, key, delimiter and tag
JWT_LIFETIME = 12 * 3600    # at most 24 h is allowed
JWT_RENEW_BEFORE = 3600     # sign a new one when less than this is left


class EndpointRefused(ValueError):
    """A subscription endpoint we will not POST to (server-side request forgery guard)."""


def check_endpoint(url: str, allow_loopback=False, resolve=socket.getaddrinfo):
    """Refuse endpoints that are not https or resolve to private, loopback or link-local addresses."""
    parts = urlsplit(url)
    if len(url) > 1000 or parts.username or parts.password or not parts.hostname:
        raise EndpointRefused("not a push endpoint")
    try:
        infos = resolve(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise EndpointRefused("the push service's host does not resolve") from None
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    loopback = bool(addresses) and all(a.is_loopback for a in addresses)
    if parts.scheme != "https" and not (allow_loopback and loopback and parts.scheme == "http"):
        raise EndpointRefused("push endpoints must use https")
    for a in addresses:
        if a.is_loopback and allow_loopback:
            continue
        if not a.is_global or a.is_multicast:
            raise EndpointRefused("the push service's address is not public")


def origin_of(url: str) -> str:
    """scheme://host[:port] as VAPID's `aud` needs it (the port only when it is not the default)."""
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


class VapidKeys:
    """The application server's P-256 key pair; `public_key` is what the browser subscribes with."""

    def __init__(self, private_pem: bytes):
        self.private = serialization.load_pem_private_key(private_pem, None)
        self.private_pem = private_pem
        self.public_pem = self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        self.public_key = VAPID.get_application_server_key(self.private.public_key())

    @classmethod
    def load(cls, instance_path, env_value=None):
        """From TUTTU_VAPID_PRIVATE_KEY (PEM) or instance/vapid_private.pem, created on first start."""
        if env_value:
            return cls(env_value.replace("\\n", "\n").encode())
        path = Path(instance_path) / "vapid_private.pem"
        if not path.exists():
            pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
            temporary = path.with_name(f".vapid-{os.getpid()}-{threading.get_ident()}.pem")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
            try:
                os.link(temporary, path)    # atomic: a complete file or none
            except FileExistsError:         # another process created it first: use theirs
                pass
            finally:
                os.unlink(temporary)
        return cls(path.read_bytes())


class VapidSigner:
    """Signs one VAPID JWT per push-service origin and reuses it until shortly before expiry."""

    def __init__(self, keys: VapidKeys, subject: str, clock=time.time):
        self.keys, self.subject, self.clock = keys, subject, clock
        self.signatures = 0
        self._cache: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()

    def authorization(self, endpoint: str) -> str:
        origin = origin_of(endpoint)
        now = int(self.clock())
        with self._lock:
            header, exp = self._cache.get(origin, (None, 0))
            if exp - now < JWT_RENEW_BEFORE:
                exp = now + JWT_LIFETIME
                token = jwt.encode({"aud": origin, "exp": exp, "sub": self.subject},
                                   self.keys.private, algorithm="ES256")
                header = f"vapid t={token}, k={self.keys.public_key}"
                self._cache[origin] = (header, exp)
                self.signatures += 1
            return header


@dataclass
class OutgoingPush:
    """One encrypted-to-be message for one subscription."""
    endpoint: str
    p256dh: str
    auth: str
    payload: bytes
    ttl: int
    urgency: str = "normal"
    topic: str | None = None


@dataclass
class Outcome:
    """What the push service said: `status` None means no answer (timeout, connection error)."""
    status: int | None
    retry_after: float | None = None
    error: str | None = None


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - (now or time.time()))
    except (TypeError, ValueError):
        return None


class PushSender:
    """Encrypts and POSTs pushes; connections are reused per origin, `send_many` is concurrent."""

    def __init__(self, keys: VapidKeys, subject: str, concurrency=32, timeout=10.0,
                 allow_loopback=False):
        self.signer = VapidSigner(keys, subject)
        self.encrypter = WebPush(keys.private_pem, keys.public_pem, subscriber="unused")
        self.allow_loopback = allow_loopback
        self.timeout = urllib3.Timeout(connect=min(5.0, timeout), read=timeout)
        self.http = urllib3.PoolManager(num_pools=64, maxsize=concurrency, block=True, retries=False)
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="push")
        self._checked: dict[str, float] = {}   # origin -> when its addresses were last checked
        self._pools = {}

    def _guard(self, endpoint):
        origin, now = origin_of(endpoint), time.monotonic()
        if now - self._checked.get(origin, -1e9) > 300:
            check_endpoint(endpoint, self.allow_loopback)
            self._checked[origin] = now

    def encrypt(self, push: OutgoingPush) -> bytes:
        if len(push.payload) > MAX_PAYLOAD:
            raise ValueError(f"payload of {len(push.payload)} bytes exceeds {MAX_PAYLOAD}")
        keys = SimpleNamespace(keys=SimpleNamespace(p256dh=push.p256dh, auth=push.auth))
        return self.encrypter._encrypt(push.payload, keys)

    def _pool(self, parts):
        """The keep-alive connection pool of this origin (looked up once; urllib3's lookup is slow)."""
        key = (parts.scheme, parts.hostname, parts.port)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = self.http.connection_from_host(
                parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), scheme=parts.scheme)
        return pool

    def send(self, push: OutgoingPush) -> Outcome:
        try:
            self._guard(push.endpoint)
            body = self.encrypt(push)
        except (EndpointRefused, ValueError) as e:
            return Outcome(status=0, error=f"refused: {e}")
        headers = {"Authorization": self.signer.authorization(push.endpoint), "TTL": str(push.ttl),
                   "Content-Encoding": "aes128gcm", "Content-Type": "application/octet-stream",
                   "Urgency": push.urgency}
        if push.topic:
            headers["Topic"] = push.topic
        try:
            parts = urlsplit(push.endpoint)
            pool = self._pool(parts)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            r = pool.urlopen("POST", path, body=body, headers=headers, timeout=self.timeout, retries=False,
                             redirect=False, assert_same_host=False, preload_content=True)
        except urllib3.exceptions.HTTPError as e:
            return Outcome(status=None, error=type(e).__name__)
        return Outcome(r.status, parse_retry_after(r.headers.get("Retry-After")),
                       None if r.status < 300 else r.data[:200].decode("utf-8", "replace"))

    def send_many(self, pushes: list[OutgoingPush]) -> list[Outcome]:
        """Send concurrently; outcomes in the same order as `pushes`."""
        return list(self.pool.map(self.send, pushes))

    def close(self):
        self.pool.shutdown(wait=True)
        self.http.clear()
