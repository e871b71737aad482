"""Two web processes with REDIS_URL share one session: two hubs, each with its own RedisBroker."""
import json
import time

import pytest

from backend.broker import RedisBroker
from backend.chat import actions
from backend.chat.hub import Connection, Hub
from tests.support import redis_url


@pytest.fixture
def app_config(app_config):
    app_config["REDIS_URL"] = redis_url()
    return app_config


def wait_for(predicate, seconds=5):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_message_sent_on_one_process_reaches_sockets_on_the_other(chat):
    from backend.broker import get_broker
    actions.hub._broker = get_broker()         # this process's RedisBroker (REDIS_URL)
    assert actions.hub.broker.kind == "redis"
    other_process = Hub(broker=RedisBroker(redis_url(), get_broker().prefix), node="web-2")
    other_process.ticking = False                              # this test ticks both hubs itself
    try:
        got = []
        remote = Connection(lambda text: got.append(json.loads(text)), lambda c, r: None, "observer")
        room = other_process.add(chat.id, remote)
        remote.go_live({"type": "caught_up"})
        host = chat.staffer()
        host.send("moderate", action="mode", mode="open")
        teen = chat.youth()
        for n in range(5):
            actions.reset_limits()
            teen.send("say", cid=f"m{n}", text=f"hello {n}")
        assert wait_for(lambda: len([f for f in got if f["type"] == "message"]) == 5)
        assert [f["seq"] for f in got if f["type"] == "message"] == [1, 2, 3, 4, 5]
        host.send("staff", text="backchannel stays with staff")
        time.sleep(0.3)
        assert not any(f["type"] == "staff" for f in got)
        other_process.tick(refresh=True)                         # web-2 announces its observer
        assert wait_for(lambda: actions.hub.rooms[chat.id].presence()["observers"] == 1)
        actions.hub.tick(refresh=True)
        assert wait_for(lambda: room.presence() == {"participants": 1, "observers": 1, "staff": 1})
    finally:
        other_process.remove(remote)
        other_process.broker.close()
