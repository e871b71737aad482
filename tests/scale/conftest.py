"""Fixtures of the scale-out tests: a redis-server of this test module's own and a two-process deployment
(tests/scale/cluster.py has the processes and clients)."""
import pytest

from tests.scale.cluster import Deployment, RedisServer, fresh_schema, postgres_url


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer().start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, redis_server):
    """Deployment "one": two web processes on PostgreSQL and our redis-server."""
    url = postgres_url()
    fresh_schema(url)
    deployment = Deployment(tmp_path_factory.mktemp("scale"), url, redis_server.url, "one")
    deployment.redis = redis_server
    deployment.seed()
    try:
        for name in ("a", "b"):
            deployment.start_web(name)
        for web in deployment.web.values():
            web.wait_ready()
        yield deployment
    finally:
        deployment.stop()
