"""Degrade, never 500: PostgreSQL or Redis away while the app runs.

PostgreSQL is reached through a loopback TCP relay that the test cuts (every connection dropped, no
new ones) and restores, so the shared database server is never touched. Redis "away" is a port of
the test range where nothing listens.
"""
import logging
import socket
import threading
from urllib.parse import urlparse

import pytest

from tests.scale.cluster import free_port, postgres_url


class Relay:
    """127.0.0.1:<port> -> PostgreSQL; cut() drops every connection and refuses new ones until restore()."""

    def __init__(self, host, port):
        self.target, self.port = (host, port), free_port()
        self.sockets, self.listener = [], None

    def restore(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)        # wakes the accepting thread (Linux)
        except OSError:
            pass
        self.listener.close()
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.sockets = []


@pytest.fixture
def relay():
    url = urlparse(postgres_url())
    relay = Relay(url.hostname or "127.0.0.1", url.port or 5432).restore()
    yield relay
    relay.cut()


@pytest.fixture
def app_config(app_config, relay):
    url = urlparse(app_config["DATABASE_URL"])
    app_config["DATABASE_URL"] = url._replace(netloc=f"{url.username or 'postgres'}@127.0.0.1:{relay.port}").geturl()
    return app_config


def test_with_postgresql_away_requests_answer_503_and_one_log_line_per_outage(app, relay, caplog):
    client = app.test_client()
    assert client.get("/api/sessions").status_code == 200
    relay.cut()
    with caplog.at_level(logging.WARNING):
        answers = [client.get("/api/sessions") for _ in range(5)]
        health = client.get("/healthz")
    assert {a.status_code for a in answers} == {503}
    assert answers[0].get_json()["error"]["code"] == "database_unavailable"
    assert answers[0].headers["Retry-After"] == "5"
    assert health.status_code == 503 and health.get_json()["status"] == "degraded"
    assert health.get_json()["database"].startswith("error")
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len([r for r in lines if "database unavailable" in r.getMessage()]) == 1, [r.getMessage() for r in lines]
    assert not any(r.exc_info for r in lines)                    # no traceback per request

    caplog.clear()
    relay.restore()
    with caplog.at_level(logging.WARNING):
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/sessions").status_code == 200
    assert [r.getMessage() for r in caplog.records if "available again" in r.getMessage()][:1]


@pytest.fixture
def dead_redis_config(app_config):
    app_config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"     # nothing listens there
    app_config["RATELIMIT_ENABLED"] = True
    return app_config


def test_with_redis_away_http_works_and_healthz_says_degraded(dead_redis_config, tmp_path):
    from backend import create_app
    from backend.broker import get_broker
    app = create_app(dead_redis_config)
    try:
        client = app.test_client()
        token = client.get("/api/csrf").get_json()["csrf_token"]
        created = client.post("/api/youth", json={}, headers={"X-CSRF-Token": token})
        assert created.status_code == 201, created.get_json()      # the limiter falls back to memory
        health = client.get("/healthz")
        body = health.get_json()
        assert health.status_code == 503 and body["status"] == "degraded"
        assert body["broker"]["state"] == "down" and body["broker"]["since"].endswith("Z")
    finally:
        get_broker().close()


def test_a_web_process_rides_out_a_postgresql_outage(relay, tmp_path):
    """The Procfile's web process on PostgreSQL through the relay: 503s and 1011 while it is cut, then back."""
    from tests.scale.cluster import Client, Deployment, fresh_schema, wait_for
    url = urlparse(postgres_url())
    fresh_schema(postgres_url())
    through_relay = url._replace(netloc=f"{url.username or 'postgres'}@127.0.0.1:{relay.port}").geturl()
    deployment = Deployment(tmp_path, through_relay, "", "pg")
    deployment.seed()
    web = deployment.start_web("a")
    try:
        web.wait_ready()
        sid = deployment.session_id
        host = Client(web.url).as_host().socket(web.url, sid, "staff")
        watcher = Client(web.url).socket(web.url, sid)
        host.send("say", cid="one", text="before the outage")
        assert host.ack("one")["type"] == "ack"

        relay.cut()
        import requests
        sessions = requests.get(web.url + "/api/sessions", timeout=5)
        assert sessions.status_code == 503 and sessions.json()["error"]["code"] == "database_unavailable"
        status, body = web.healthz()
        assert status == 503 and body["database"].startswith("error")
        host.send("say", cid="two", text="during the outage")
        assert wait_for(lambda: host.close_code == 1011, 10), host.close_code     # they reconnect later

        relay.restore()
        assert wait_for(lambda: web.healthz()[0] == 200, 10)
        again = Client(web.url).as_host().socket(web.url, sid, "staff")
        again.send("say", cid="three", text="after the outage")
        assert again.ack("three")["type"] == "ack"
        assert wait_for(lambda: [f["text"] for f in watcher.of("message")] == ["before the outage",
                                                                               "after the outage"], 5)
        assert watcher.close_code is None                      # a socket that only listened stayed open
        log = (deployment.tmp / "web-a.log").read_text()
        assert log.count("database unavailable") == 1 and log.count("database available again") == 1, log
        assert "Traceback" not in log, log
    finally:
        deployment.stop()
