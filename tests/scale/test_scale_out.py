"""Two web processes (the Procfile's gunicorn gevent line), PostgreSQL and a redis-server of our own, as an
operator runs them: Redis killed and restarted mid-chat, two deployments on one Redis, shared limits, a
block from another process, kill -9 of a web process. The tests share one cluster and run in order."""
import time

import pytest

from tests.scale.cluster import Client, wait_for


def say_all(host, texts, prefix):
    """The host says each text; returns the acknowledged seqs (every ack must arrive)."""
    seqs = []
    for n, text in enumerate(texts):
        cid = f"{prefix}{n}"
        host.send("say", cid=cid, text=text)
        ack = host.ack(cid)
        assert ack and ack["type"] == "ack", (ack, host.close_code)
        seqs.append(ack["seq"])
    return seqs


def exactly(sockets, seqs, seconds):
    """Every socket got exactly these seqs, in order, once: within `seconds`."""
    return wait_for(lambda: all(s.seqs() == seqs for s in sockets), seconds)


@pytest.fixture(scope="module")
def chat(cluster):
    a, b = cluster.web["a"].url, cluster.web["b"].url
    host = Client(a).as_host()
    chat = type("Chat", (), {})()
    chat.id, chat.a, chat.b = cluster.session_id, a, b
    chat.host = host.socket(a, cluster.session_id, "staff")
    chat.watchers = [Client(url).socket(url, cluster.session_id) for url in (a, a, b, b)]
    yield chat
    for s in [chat.host, *chat.watchers]:
        s.close()


def test_fan_out_recovers_by_itself_after_redis_is_killed_and_restarted(cluster, chat):
    web_a, web_b = cluster.web["a"], cluster.web["b"]
    before = say_all(chat.host, ["before 1", "before 2", "before 3"], "r")
    assert exactly(chat.watchers, before, 5)

    cluster.redis.kill()
    assert wait_for(lambda: web_a.healthz()[0] == 503, 5)
    status, body = web_a.healthz()
    assert body["status"] == "degraded" and body["broker"]["state"] == "down" and body["broker"]["since"]

    during = say_all(chat.host, ["during 1", "during 2", "during 3"], "d")      # acknowledged, socket stays open
    assert chat.host.close_code is None
    on_a = chat.watchers[:2]
    assert exactly(on_a, before + during, 5)          # the sender's process still delivers to its own sockets
    # HTTP keeps working: the rate limiter falls back to this process's memory, no 500
    assert Client(web_b.url).post("/api/youth").status_code == 201

    cluster.redis.start()
    returned = time.time()
    assert exactly(chat.watchers, before + during, 5), [s.seqs() for s in chat.watchers]
    caught_up = time.time() - returned
    assert wait_for(lambda: web_a.healthz()[0] == 200 and web_b.healthz()[0] == 200, 5)
    after = say_all(chat.host, ["after 1"], "x")
    assert exactly(chat.watchers, before + during + after, 5)
    print(f"every socket had every message {caught_up:.2f} s after Redis returned")


def test_every_redis_key_carries_the_deployment_prefix(cluster, chat, monkeypatch):
    from backend.config import redis_prefix
    monkeypatch.delenv("TUTTU_REDIS_PREFIX", raising=False)
    prefix = redis_prefix(cluster.env["DATABASE_URL"])         # "tuttu:" + a short hash of the database URL
    theirs = redis_prefix(cluster.other.env["DATABASE_URL"])   # the other deployment on the same Redis
    assert prefix != theirs
    teen = Client(chat.a).as_youth(chat.id)                     # a rate-limited request and a chat bucket
    sock = teen.socket(chat.a, chat.id, "participant")
    sock.send("say", cid="p1", text="hello")
    assert sock.ack("p1")["type"] == "ack"
    sock.close()
    keys = [k.decode() for k in cluster.redis.client().keys("*")]
    assert any(k.startswith(prefix + "limits:") for k in keys) and any(k.startswith(prefix + "chat:limit:") for k in keys)
    assert all(k.startswith((prefix, theirs)) for k in keys), [k for k in keys if not k.startswith(prefix)]


def test_a_youth_has_one_token_bucket_and_one_slow_mode_across_processes(cluster, chat):
    teen = Client(chat.a).as_youth(chat.id)
    on_a, on_b = teen.socket(chat.a, chat.id, "participant"), teen.socket(chat.b, chat.id, "participant")
    try:
        results = []
        for n in range(6):                                  # a burst of 3 for the person, not per process
            sock = (on_a, on_b)[n % 2]
            sock.send("say", cid=f"burst{n}", text=f"burst {n}")
            results.append(sock.ack(f"burst{n}"))
        assert [r["type"] for r in results].count("ack") == 3, results
        assert all(r["code"] == "rate_limited" for r in results if r["type"] == "error")

        chat.host.send("moderate", action="slow", seconds=30)
        assert wait_for(lambda: any(f.get("slow_mode_seconds") == 30 for f in on_b.frames), 5)
        time.sleep(3.2)                                     # the burst bucket is full again, slow mode is not
        on_a.send("say", cid="slow1", text="first under slow mode")
        assert on_a.ack("slow1")["type"] == "ack"
        on_b.send("say", cid="slow2", text="second, from the other process")
        refused = on_b.ack("slow2")
        assert refused["type"] == "error" and refused["code"] == "rate_limited"
    finally:
        chat.host.send("moderate", action="slow", seconds=0)
        on_a.close()
        on_b.close()


def test_a_block_on_one_process_bars_the_device_on_the_other(cluster, chat):
    teen = Client(chat.b).as_youth(chat.id)
    sock = teen.socket(chat.b, chat.id, "participant")
    sock.send("say", cid="hi", text="hello from process b")
    seq = sock.ack("hi")["seq"]
    chat.host.send("moderate", action="block", seq=seq)            # the host is on process a
    assert wait_for(lambda: sock.close_code == 4009, 5), sock.close_code

    browser = Client(chat.b)                                       # same browser, new anonymous identity
    browser.http.cookies.set("tuttu_device", teen.http.cookies.get("tuttu_device"))
    assert browser.post("/api/youth").status_code == 201
    teen = browser
    again = teen.socket(chat.b, chat.id, "participant")
    assert again.close_code == 4009 and again.of("error")[0]["code"] == "removed"


def test_two_deployments_on_one_redis_never_see_each_other(cluster, chat):
    other = cluster.other                           # its own database (so its own prefix), the same Redis
    try:
        web = other.web["a"]
        last = chat.watchers[0].seqs()
        started = time.time()
        host = Client(web.url).as_host().socket(web.url, other.session_id, "staff")
        theirs = [Client(web.url).socket(web.url, other.session_id) for _ in range(3)]
        say_all(host, ["other city 1", "other city 2"], "o")
        assert exactly(theirs, [1, 2], 5)
        time.sleep(1.5)
        assert all(s.seqs() == last for s in chat.watchers)            # nothing of the other deployment
        later = [f for f in chat.watchers[0].of("presence") if f["_at"] > started]
        assert all(f["observers"] <= 4 and f["staff"] <= 1 for f in later), later   # their 3 + 1 not summed in
        mine = say_all(chat.host, ["ours"], "m")
        assert exactly(chat.watchers, last + mine, 5)                 # our next seq is not taken for theirs
        for s in [host, *theirs]:
            s.close()
    finally:
        other.stop()


def metric(text, name, **labels):
    """The value of one sample in the Prometheus text format (None when absent)."""
    from prometheus_client.parser import text_string_to_metric_families
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


def test_metrics_on_one_process_count_the_sockets_of_both(cluster, chat):
    import requests

    def scrape():
        return requests.get(chat.a + "/metrics", timeout=5).text          # loopback: allowed without a token

    def both_counted():      # each process writes its gauges every few seconds (backend/metrics.py refresher)
        return metric(scrape(), "tuttu_chat_sockets", role="observer", session=str(chat.id)) == 4
    assert wait_for(both_counted, 15, 0.5), scrape()
    text = scrape()
    assert metric(text, "tuttu_chat_sockets", role="staff", session=str(chat.id)) == 1
    assert metric(text, "tuttu_broker_up") == 1
    assert metric(text, "tuttu_fanout_lag_seconds_count") > 0
    assert metric(text, "tuttu_job_queue_depth") is not None


def test_kill_9_of_a_web_process(cluster, chat):
    """Sockets of the killed process reconnect to the other and resume; its presence fades within 15 s."""
    web_b = cluster.web["b"]
    on_b = chat.watchers[2:]
    last = [s.seqs()[-1] for s in on_b]
    web_b.kill9()
    assert wait_for(lambda: all(s.close_code for s in on_b), 5)
    killed_at = time.time()
    missed = say_all(chat.host, ["while they were away"], "k")

    def own_count_only():
        presence = chat.watchers[0].of("presence")
        return presence and presence[-1]["observers"] == 2        # the two watchers on a; b's two are gone
    assert wait_for(own_count_only, 15, 0.2), [(round(f["_at"] - killed_at, 1), f["observers"])
                                               for f in chat.watchers[0].of("presence")]
    print(f"the killed process's presence faded after {time.time() - killed_at:.1f} s")

    resumed = [Client(chat.a).socket(chat.a, chat.id, since=n) for n in last]
    sent = say_all(chat.host, ["after the kill"], "k2")
    assert wait_for(lambda: all(s.seqs() == missed + sent for s in resumed), 5), [s.seqs() for s in resumed]
    expected = chat.watchers[0].seqs()
    assert expected[-2:] == missed + sent and chat.watchers[1].seqs() == expected
    for s in resumed:
        s.close()
