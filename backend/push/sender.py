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
CHECK_EVERY = 300           # seconds before a push service's address is resolved and checked again


class EndpointRefused(ValueError):
    """A subscription endpoint we will not POST to (server-side request forgery guard)."""


# IPv6 forms that carry (or route to) an IPv4 address: refused outright, whatever they embed.
TRANSITION_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "64:ff9b::/96",       # NAT64 (RFC 6052)
    "64:ff9b:1::/48",     # local-use NAT64 (RFC 8215)
    "2002::/16",          # 6to4
    "2001::/32",          # Teredo
    "::/96",              # IPv4-compatible (deprecated)
    "::ffff:0:0:0/96",    # SIIT (RFC 2765)
))


# IPv4 special-purpose blocks that Python's flags may still call global.
SPECIAL_V4 = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.88.99.0/24", "198.18.0.0/15", "240.0.0.0/4",
))


def address_refused(address) -> str | None:
    """Why `address` (an ipaddress object) is no place for a push service, or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address_refused(address.ipv4_mapped) or "IPv4-mapped addresses are not used"
        if address.scope_id:
            return "the address has a zone"
        if any(address in network for network in TRANSITION_NETWORKS):
            return "IPv6 transition addresses (NAT64, 6to4, Teredo) are not used"
        if address.is_site_local:
            return "the address is not public"
    if isinstance(address, ipaddress.IPv4Address) and any(address in network for network in SPECIAL_V4):
        return "the address is not public"
    if (address.is_private or address.is_reserved or address.is_loopback or address.is_link_local
            or address.is_multicast or address.is_unspecified or not address.is_global):
        return "the address is not public"
    return None


def check_endpoint(url: str, allow_loopback=False, resolve=socket.getaddrinfo) -> list:
    """Refuse endpoints that are not https on port 443 or that resolve to any address that is not public
    (private, loopback, link-local, reserved, in any IPv4 or IPv6 form); return the checked addresses.

    With `allow_loopback` (tests, PUSH_ALLOW_LOOPBACK) a host that resolves only to loopback may use
    http and any port. Connect only to the returned addresses (PushSender does): resolving again could
    give another answer.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise EndpointRefused("not a push endpoint") from None
    if len(url) > 1000 or parts.username or parts.password or not parts.hostname or parts.scheme not in ("https", "http"):
        raise EndpointRefused("not a push endpoint")
    try:
        infos = resolve(parts.hostname, port or 443, proto=socket.IPPROTO_TCP)
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
    except (OSError, UnicodeError, ValueError):
        raise EndpointRefused("the push service's host does not resolve") from None
    if not addresses:
        raise EndpointRefused("the push service's host does not resolve")
    loopback = all(a.is_loopback and not (isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped)
                   for a in addresses)
    if allow_loopback and loopback:
        return addresses
    if parts.scheme != "https":
        raise EndpointRefused("push endpoints must use https")
    if port not in (None, 443):
        raise EndpointRefused("push endpoints must use port 443")
    for address in addresses:
        reason = address_refused(address)
        if reason:
            raise EndpointRefused(f"the push service's address is not public ({reason})")
    return addresses


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
                 allow_loopback=False, resolve=socket.getaddrinfo):
        self.signer = VapidSigner(keys, subject)
        self.encrypter = WebPush(keys.private_pem, keys.public_pem, subscriber="unused")
        self.allow_loopback, self.resolve = allow_loopback, resolve
        self.timeout = urllib3.Timeout(connect=min(5.0, timeout), read=timeout)
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="push")
        self.concurrency = concurrency
        self._pools = {}                # (scheme, host, port) -> (checked address, pool, when checked)
        self._pools_lock = threading.Lock()

    def encrypt(self, push: OutgoingPush) -> bytes:
        if len(push.payload) > MAX_PAYLOAD:
            raise ValueError(f"payload of {len(push.payload)} bytes exceeds {MAX_PAYLOAD}")
        keys = SimpleNamespace(keys=SimpleNamespace(p256dh=push.p256dh, auth=push.auth))
        return self.encrypter._encrypt(push.payload, keys)

    def _pool(self, parts):
        """The keep-alive connection pool of this origin, pinned to the address the guard checked.

        The guard resolves the host and checks every address; the pool then connects to the first of
        them (TLS still checks the certificate and sends SNI for the host name, and Host is the name),
        so a second DNS answer can never send us elsewhere. Re-checked every CHECK_EVERY seconds.
        """
        key = (parts.scheme, parts.hostname, parts.port)
        now = time.monotonic()
        entry = self._pools.get(key)
        if entry is not None and now - entry[2] <= CHECK_EVERY:
            return entry[1]
        with self._pools_lock:
            entry = self._pools.get(key)
            if entry is not None and now - entry[2] <= CHECK_EVERY:
                return entry[1]
            url = f"{parts.scheme}://{parts.netloc}/"
            address = str(check_endpoint(url, self.allow_loopback, self.resolve)[0])
            if entry is not None and entry[0] == address:
                pool = entry[1]
            else:
                port = parts.port or (443 if parts.scheme == "https" else 80)
                options = dict(port=port, maxsize=self.concurrency, block=True, retries=False, timeout=self.timeout)
                if parts.scheme == "https":
                    pool = urllib3.HTTPSConnectionPool(address, server_hostname=parts.hostname,
                                                       assert_hostname=parts.hostname, cert_reqs="CERT_REQUIRED",
                                                       **options)
                else:
                    pool = urllib3.HTTPConnectionPool(address, **options)
                if entry is not None:
                    entry[1].close()
            self._pools[key] = (address, pool, now)
            return pool

    def send(self, push: OutgoingPush) -> Outcome:
        try:
            parts = urlsplit(push.endpoint)
            pool = self._pool(parts)
            body = self.encrypt(push)
        except (EndpointRefused, ValueError) as e:
            return Outcome(status=0, error=f"refused: {e}")
        headers = {"Host": parts.netloc, "Authorization": self.signer.authorization(push.endpoint),
                   "TTL": str(push.ttl), "Content-Encoding": "aes128gcm",
                   "Content-Type": "application/octet-stream", "Urgency": push.urgency}
        if push.topic:
            headers["Topic"] = push.topic
        try:
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
        for _, pool, _ in list(self._pools.values()):
            pool.close()
        self._pools.clear()
