"""Fan-out between processes: in-process by default, Redis pub/sub when REDIS_URL is set."""
import threading

from backend.broker import LocalBroker, RedisBroker
from tests.support import redis_url


def test_local_broker_delivers_to_every_subscriber_until_unsubscribed():
    broker, got = LocalBroker(), []
    first = broker.subscribe("session:1", lambda m: got.append(("a", m["n"])))
    broker.subscribe("session:1", lambda m: got.append(("b", m["n"])))
    broker.subscribe("session:2", lambda m: got.append(("other", m["n"])))
    broker.publish("session:1", {"n": 1})
    broker.unsubscribe(first)
    broker.publish("session:1", {"n": 2})
    assert got == [("a", 1), ("b", 1), ("b", 2)]


def test_a_failing_subscriber_does_not_stop_the_others():
    broker, got = LocalBroker(), []
    broker.subscribe("c", lambda m: 1 / 0)
    broker.subscribe("c", lambda m: got.append(m))
    broker.publish("c", {"ok": True})
    assert got == [{"ok": True}]


def test_redis_broker_fans_out_between_processes():
    url = redis_url()
    web1, web2 = RedisBroker(url, prefix="tuttu-test:"), RedisBroker(url, prefix="tuttu-test:")
    try:
        arrived = threading.Event()
        got = []
        web2.subscribe("session:7", lambda m: (got.append(m), arrived.set()))
        import time
        deadline = time.time() + 5
        while not got and time.time() < deadline:   # the listener may still be subscribing
            web1.publish("session:7", {"type": "message", "seq": 1})
            arrived.wait(0.2)
        assert got and got[0] == {"type": "message", "seq": 1}
        assert web1.health()["state"] == "ok"
    finally:
        web1.close()
        web2.close()


def test_closing_a_redis_broker_ends_its_listener_at_once_and_wakes_no_other_process():
    """A worker that shuts down (and every test's app) does not sit out the listener's one-second wait for the
    next message; the wake-up goes to this listener alone, not to the others under the same prefix."""
    import time
    url = redis_url()
    closing, staying = RedisBroker(url, prefix="tuttu-test:"), RedisBroker(url, prefix="tuttu-test:")
    try:
        heard = []
        staying._dispatch = lambda channel, message: heard.append(channel)
        assert closing.wait_connected() and staying.wait_connected()
        time.sleep(0.05)                     # both listeners are now inside their wait for a message
        started = time.monotonic()
        closing.close()
        assert not closing.thread.is_alive()
        assert time.monotonic() - started < 0.5          # the wait is a second long
        time.sleep(0.2)
        assert heard == []
    finally:
        closing.close()
        staying.close()
