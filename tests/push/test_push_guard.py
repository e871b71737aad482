"""The push endpoint guard: only public addresses in every IPv4 and IPv6 spelling, only port 443, and the
sender connects to the very address it checked."""
import socket
from urllib.parse import urlsplit

import pytest

from backend.push.sender import EndpointRefused, OutgoingPush, PushSender, VapidKeys, check_endpoint
from tests.push.pushservice import PushService


class NamedPushService(PushService):
    """The local push service known by a name only our test resolver knows (push.test)."""

    @property
    def origin(self):
        return f"http://push.test:{self.server.server_address[1]}"


PUBLIC_V4, PUBLIC_V6 = "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"


def answers(*addresses):
    """A resolver that answers `addresses` for any host (as a hostile DNS server could)."""
    def resolve(host, port, proto=0, **kw):
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, proto, "", (a, port))
                for a in addresses]
    return resolve


METADATA_FORMS = [
    "169.254.169.254",             # cloud metadata, IPv4
    "::ffff:169.254.169.254",      # IPv4-mapped
    "::ffff:a9fe:a9fe",            # IPv4-mapped, hex
    "64:ff9b::a9fe:a9fe",          # NAT64
    "64:ff9b::169.254.169.254",    # NAT64, dotted
    "64:ff9b:1::a9fe:a9fe",        # local-use NAT64
    "2002:a9fe:a9fe::",            # 6to4
    "2001:0:4136:e378:8000:63bf:5601:5601",   # Teredo (embeds an obfuscated IPv4 address)
    "::a9fe:a9fe",                 # IPv4-compatible
    "::ffff:0:a9fe:a9fe",          # SIIT
]
INTERNAL = [
    "127.0.0.1", "127.1.2.3", "0.0.0.0", "10.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1", "192.0.0.8",
    "192.0.2.1", "198.18.0.1", "198.51.100.2", "203.0.113.9", "224.0.0.1", "240.0.0.1", "255.255.255.255",
    "::1", "::", "fe80::1", "fe80::1%1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "2001:db8::1",
    "100::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a00:1", "2002:7f00:1::",
    "2002:c0a8:101::1", "2001::1",
]


@pytest.mark.parametrize("address", METADATA_FORMS + INTERNAL)
def test_every_form_of_an_internal_address_is_refused(address):
    with pytest.raises(EndpointRefused):
        check_endpoint("https://push.example.com/send/abc", resolve=answers(address))


@pytest.mark.parametrize("literal", ["169.254.169.254", "[64:ff9b::a9fe:a9fe]", "[2002:a9fe:a9fe::]",
                                     "[::ffff:169.254.169.254]", "2852039166", "0xa9fea9fe", "0251.0376.0251.0376"])
def test_address_literals_in_the_url_are_refused(literal):
    with pytest.raises(EndpointRefused):
        check_endpoint(f"https://{literal}/latest/meta-data")


def test_one_internal_address_among_public_ones_is_enough_to_refuse():
    with pytest.raises(EndpointRefused):
        check_endpoint("https://push.example.com/x", resolve=answers(PUBLIC_V4, "10.0.0.1"))


@pytest.mark.parametrize("url", [
    "https://push.example.com:8443/send/abc", "https://push.example.com:22/x", "https://push.example.com:80/x",
    "https://push.example.com:99999/x", "https://push.example.com:abc/x", "ftp://push.example.com/x",
    "http://push.example.com/x",
])
def test_only_https_on_port_443(url):
    with pytest.raises(EndpointRefused):
        check_endpoint(url, resolve=answers(PUBLIC_V4))


def test_public_push_services_pass_and_the_checked_addresses_are_returned():
    assert [str(a) for a in check_endpoint("https://push.example.com/x", resolve=answers(PUBLIC_V4))] == [PUBLIC_V4]
    assert check_endpoint("https://push.example.com:443/x", resolve=answers(PUBLIC_V6))


def test_loopback_only_with_the_setting_and_never_mixed_with_other_addresses():
    resolve = answers("127.0.0.1")
    assert check_endpoint("http://push.test:8700/x", allow_loopback=True, resolve=resolve)
    with pytest.raises(EndpointRefused):
        check_endpoint("http://push.test:8700/x", resolve=resolve)
    with pytest.raises(EndpointRefused):
        check_endpoint("http://push.test:8700/x", allow_loopback=True, resolve=answers("127.0.0.1", "10.0.0.1"))
    with pytest.raises(EndpointRefused):
        check_endpoint("http://push.test:8700/x", allow_loopback=True, resolve=answers("::ffff:127.0.0.1"))


def test_the_sender_connects_to_the_address_it_checked(tmp_path):
    """DNS rebinding: the first answer passes the guard, the second would point inside. The sender never
    asks again within its check interval: it connects to the checked address with the original Host."""
    keys = VapidKeys.load(tmp_path)
    with NamedPushService() as service:
        browser = service.subscribe(application_server_key=keys.public_key)
        real = urlsplit(browser["endpoint"])
        endpoint = browser["endpoint"].replace(real.hostname, "push.test", 1)
        calls = []

        def rebinding(host, port, proto=0, **kw):
            calls.append(host)
            address = "127.0.0.1" if len(calls) == 1 else "169.254.169.254"
            return [(socket.AF_INET, socket.SOCK_STREAM, proto, "", (address, port))]

        sender = PushSender(keys, "mailto:push@tuttu.example", concurrency=2, allow_loopback=True,
                            resolve=rebinding)
        try:
            pushes = [OutgoingPush(endpoint, browser["keys"]["p256dh"], browser["keys"]["auth"], f"m{i}".encode(),
                                   ttl=60) for i in range(3)]
            assert [sender.send(p).status for p in pushes] == [201, 201, 201]
        finally:
            sender.close()
        assert calls == ["push.test"]                       # resolved once, then pinned
        assert len(service.messages()) == 3


def test_a_rebound_address_is_refused_when_checked_again(tmp_path, monkeypatch):
    from backend.push import sender as sender_module
    keys = VapidKeys.load(tmp_path)
    with NamedPushService() as service:
        browser = service.subscribe(application_server_key=keys.public_key)
        real = urlsplit(browser["endpoint"])
        endpoint = browser["endpoint"].replace(real.hostname, "push.test", 1)
        state = {"address": "127.0.0.1"}

        def resolve(host, port, proto=0, **kw):
            return [(socket.AF_INET, socket.SOCK_STREAM, proto, "", (state["address"], port))]

        sender = PushSender(keys, "mailto:push@tuttu.example", concurrency=2, allow_loopback=True, resolve=resolve)
        push = OutgoingPush(endpoint, browser["keys"]["p256dh"], browser["keys"]["auth"], b"hi", ttl=60)
        try:
            assert sender.send(push).status == 201
            state["address"] = "169.254.169.254"
            monkeypatch.setattr(sender_module, "CHECK_EVERY", -1)    # the check interval has passed
            outcome = sender.send(push)
        finally:
            sender.close()
        assert outcome.status == 0 and "refused" in outcome.error
        assert len(service.messages()) == 1
