"""/metrics: the Prometheus text format, for the operator only (token or loopback allow-list)."""
import pytest


@pytest.fixture
def app_config(app_config):
    app_config["METRICS_TOKEN"] = None
    return app_config


def test_metrics_from_loopback_tell_http_counts_broker_and_database_counts(app):
    client = app.test_client()
    client.get("/api/sessions")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert 'tuttu_http_requests_total{method="GET",route="/api/sessions",status="200"}' in text
    assert 'tuttu_http_request_seconds_bucket{le="0.005",method="GET",route="/api/sessions"}' in text
    assert "tuttu_broker_up 1.0" in text
    for name in ("tuttu_fanout_lag_seconds", "tuttu_chat_sockets", "tuttu_job_queue_depth",
                 "tuttu_push_deliveries", "tuttu_meetup_signups", "tuttu_broker_reconnects"):
        assert f"# TYPE {name}" in text, name


def test_metrics_are_not_for_anyone_else(app):
    client = app.test_client()
    outsider = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert outsider.status_code == 404 and outsider.get_json()["error"]["code"] == "not_found"


def test_with_a_token_only_the_token_opens_metrics(app):
    app.config["METRICS_TOKEN"] = "s3cret-metrics-token"
    client = app.test_client()
    assert client.get("/metrics").status_code == 404                        # loopback alone is not enough
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    remote = client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"},
                        environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert remote.status_code == 200 and b"tuttu_http_requests_total" in remote.data


def test_metrics_count_the_chat_sockets_turned_away_before_the_handshake(app):
    """The address caps answer before Flask (chat/budget.py JoinGate), so the after-request hook never sees them:
    the operator still learns how many phones were refused at 16:00, with the socket route's other answers."""
    app.config.update(CHAT_JOIN_BURST=1, CHAT_JOINS_PER_SECOND=0.01)
    client = app.test_client()
    refused = 'tuttu_http_requests_total{method="GET",route="/ws/sessions/<int:session_id>",status="429"} '

    def count():     # the counter belongs to the process, and other tests here are refused too
        line = next((line for line in client.get("/metrics").get_data(as_text=True).splitlines()
                     if line.startswith(refused)), refused + "0")
        return float(line[len(refused):])

    join = lambda: client.get("/ws/sessions/1", headers={"Origin": "http://localhost"})  # noqa: E731
    before = count()
    assert join().status_code == 404              # let through (no Upgrade header: no socket route)
    assert [join().status_code for _ in range(3)] == [429, 429, 429]
    assert count() == before + 3
