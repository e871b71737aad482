"""The Redis broker comes back by itself, also while its process keeps publishing through the outage."""
import threading
import time

from backend.broker import RedisBroker
from tests.scale.cluster import wait_for


def test_the_broker_recovers_after_each_redis_restart_while_publishing(redis_server):
    web1, web2 = RedisBroker(redis_server.url, "tuttu:recovery:"), RedisBroker(redis_server.url, "tuttu:recovery:")
    got, caught_up, local = [], [], []
    web1.on_reconnect(lambda: caught_up.append(time.time()))
    web1.subscribe("chat:1", lambda m: local.append(m["n"]))
    web2.subscribe("chat:1", lambda m: got.append(m["n"]))
    running, count = True, [0]

    def keep_publishing():                          # like a chat sending through the outage
        while running:
            count[0] += 1
            web1.publish("chat:1", {"n": count[0]})
            time.sleep(0.02)
    publisher = threading.Thread(target=keep_publishing, daemon=True)
    publisher.start()
    try:
        for round_ in range(3):
            redis_server.kill()
            assert wait_for(lambda: web1.state == "down" and web2.state == "down", 3)
            during = count[0]
            assert wait_for(lambda n=during: local and local[-1] > n, 2)     # its own subscribers still get them
            assert web1.health()["state"] == "down" and web1.health()["for_seconds"] >= 0
            redis_server.start()
            assert wait_for(lambda: web1.state == "ok" and web2.state == "ok", 3), (round_, web1.state, web2.state)
            after = count[0]
            assert wait_for(lambda n=after: got and got[-1] > n, 3)         # fan-out between processes again
        assert web1.reconnects == 3 and len(caught_up) == 3
    finally:
        running = False
        publisher.join()
        web1.close()
        web2.close()
