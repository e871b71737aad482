"""Jobs asked for while the job queue (Redis) is away wait in the web process and are queued when it returns."""
import pytest
from huey import RedisHuey
from redis import ConnectionPool

from backend import tasks
from tests.scale.cluster import wait_for


@pytest.fixture
def redis_queue(redis_server, monkeypatch):
    """The job queue on our own redis-server, under a deployment prefix, instead of the tests' immediate mode."""
    pool = ConnectionPool.from_url(redis_server.url, socket_connect_timeout=1, socket_timeout=2)
    queue = RedisHuey("tuttu", connection_pool=pool, storage_class=tasks.PrefixedRedisStorage, prefix="tuttu:test:")
    monkeypatch.setattr(tasks, "huey", queue)
    monkeypatch.setattr(tasks, "_jobs", {})
    tasks.register_job("scale.echo", lambda text: text)
    return queue


def test_a_job_asked_for_while_redis_is_away_is_queued_when_it_returns(redis_queue, redis_server):
    tasks.run_job("scale.echo", "before")
    assert redis_queue.pending_count() == 1
    assert redis_server.client().keys("tuttu:test:jobs:*") == [b"tuttu:test:jobs:queue"]    # under the prefix

    redis_server.kill()
    assert tasks.run_job("scale.echo", "during") is None       # no exception for the request that asked
    assert tasks.waiting_jobs() == 1
    assert redis_queue.dequeue() is None                        # the worker waits quietly, no traceback

    redis_server.start()
    assert wait_for(lambda: tasks.waiting_jobs() == 0, 5)
    assert redis_queue.pending_count() == 1                    # the outage emptied Redis; the waiting job is in
    assert redis_queue.dequeue().args == ("during",)
