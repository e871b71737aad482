"""Fixtures of the scale-out tests: a redis-server of this test module's own and a two-process deployment
(tests/scale/cluster.py has the processes and clients)."""
import threading

import pytest

from tests.scale.cluster import Deployment, RedisServer, fresh_schema, postgres_url, second_database


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer().start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, redis_server):
    """Deployment "one": two web processes on PostgreSQL and our redis-server; `cluster.other` is a second
    deployment (its own database, one web process) on the same redis-server. Everything starts at once."""
    url = postgres_url()
    tmp = tmp_path_factory.mktemp("scale")
    one = Deployment(tmp, url, redis_server.url, "one")
    two = Deployment(tmp, second_database(url), redis_server.url, "two")
    one.redis, one.other = redis_server, two
    seeds = [threading.Thread(target=lambda d=d: (fresh_schema(d.env["DATABASE_URL"]), d.seed())) for d in (one, two)]
    for seed in seeds:
        seed.start()
    for seed in seeds:
        seed.join()
    if not (getattr(one, "session_id", None) and getattr(two, "session_id", None)):
        pytest.fail("seeding the test deployments failed (see the output above)")
    try:
        webs = [one.start_web("a"), one.start_web("b"), two.start_web("a")]
        for web in webs:
            web.wait_ready()
        yield one
    finally:
        one.stop()
        two.stop()
