"""Background jobs: one huey instance (SQLite file by default, Redis when REDIS_URL is set).

Each feature registers its jobs by name in its `init_app`, e.g.

    tasks.register_job("chat.purge", purge_chat, crontab(minute="17"))   # periodic
    tasks.register_job("push.deliver", deliver)                          # on demand: tasks.run_job("push.deliver")

and other code queues a job by that name, so no module imports another feature's job module.
`python app.py` runs a consumer inside the web process (start_in_process_consumer); the Procfile's
`worker` line runs `huey_consumer app.huey` (app.py builds the app, so every feature's jobs are registered).
Tests run jobs immediately.
"""
import functools
import logging
import threading
import time
from collections import deque

from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer
from huey.storage import RedisStorage

from .config import instance_path, tasks_settings
from .outages import Outage

log = logging.getLogger(__name__)


class PrefixedRedisStorage(RedisStorage):
    """huey's Redis keys under the deployment's prefix (TUTTU_REDIS_PREFIX), e.g. "tuttu:1a2b3c4d5e:jobs:queue"."""

    def __init__(self, name="huey", prefix="tuttu:", **kwargs):
        super().__init__(name=name, **kwargs)
        base = f"{prefix}jobs:"
        self.queue_key, self.schedule_key = base + "queue", base + "schedule"
        self.result_key, self.counter_key = base + "results", base + "counters"
        self.notify_prefix = base + "notify."

    # The worker: while Redis is away, one log line (not a traceback per poll) and a retry every second.
    def dequeue(self):
        return self._quietly(super().dequeue, None)

    def read_schedule(self, ts):
        return self._quietly(lambda: super(PrefixedRedisStorage, self).read_schedule(ts), [])

    def _quietly(self, read, nothing):
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeout
        try:
            result = read()
        except (RedisConnectionError, RedisTimeout) as exc:
            queue_outage.failed(exc)
            time.sleep(1.0)
            return nothing
        queue_outage.recovered()
        return result


def make_huey():
    settings = tasks_settings()
    if settings["redis_url"]:
        from redis import ConnectionPool
        pool = ConnectionPool.from_url(settings["redis_url"], socket_connect_timeout=2, socket_timeout=5)
        return RedisHuey("tuttu", connection_pool=pool, immediate=settings["immediate"],
                         storage_class=PrefixedRedisStorage, prefix=settings["redis_prefix"])
    return SqliteHuey("tuttu", filename=str(instance_path() / "jobs.db"), immediate=settings["immediate"])


huey = make_huey()
_app = None
queue_outage = Outage("job queue (Redis)", log)


def bind_app(app):
    """Jobs run in this app's context (the web app in-process; a fresh app in the worker)."""
    global _app
    _app = app


def job_app():
    """The app jobs run in; create_app() binds it (app.py does, for the web process and the worker)."""
    if _app is None:
        raise RuntimeError("no Tuttu app in this process: build one with create_app() before running jobs")
    return _app


_jobs = {}     # name -> huey task; registration is per process and idempotent (tests build many apps)


def register_job(name: str, func, schedule=None):
    """Make `func` a background job called `name`; with a huey crontab `schedule` it also runs periodically."""
    if name not in _jobs:
        runner = in_app_context(func)
        decorator = huey.periodic_task(schedule, name=name) if schedule else huey.task(name=name)
        _jobs[name] = decorator(runner)
    return _jobs[name]


def run_job(name: str, *args, **kwargs):
    """Queue the job `name` for the worker (run inline when TUTTU_TASKS_IMMEDIATE is set).

    When the queue (Redis) can't be reached the job waits in this process and is queued once it
    is back: the request that asked for it doesn't fail.
    """
    return _enqueue(name, args, kwargs, None)


def schedule_job(name: str, delay: float, *args, **kwargs):
    """Queue the job `name` to run in `delay` seconds."""
    return _enqueue(name, args, kwargs, delay)


_waiting = deque(maxlen=10_000)        # (name, args, kwargs, delay, due): jobs the queue couldn't take yet
_retrier = None


def _queue_errors():
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeout
    return (RedisConnectionError, RedisTimeout)


def _put(name, args, kwargs, delay):
    if delay is None:
        return _jobs[name](*args, **kwargs)
    return _jobs[name].schedule(args=args, kwargs=kwargs, delay=delay)


def _enqueue(name, args, kwargs, delay):
    global _retrier
    if huey.immediate or not isinstance(huey, RedisHuey):
        return _put(name, args, kwargs, delay)
    if not _waiting:
        try:
            result = _put(name, args, kwargs, delay)
            queue_outage.recovered()
            return result
        except _queue_errors() as exc:
            queue_outage.failed(exc)
    _waiting.append((name, args, kwargs, delay, time.time() + (delay or 0)))
    if _retrier is None or not _retrier.is_alive():
        _retrier = threading.Thread(target=_retry_waiting, name="job-retry", daemon=True)
        _retrier.start()
    return None


def waiting_jobs() -> int:
    return len(_waiting)


def _retry_waiting(every=1.0):
    """Queue the waiting jobs, oldest first, as soon as the queue answers again."""
    while _waiting:
        time.sleep(every)
        while _waiting:
            name, args, kwargs, delay, due = _waiting[0]
            try:
                _put(name, args, kwargs, None if delay is None else max(0.0, due - time.time()))
            except _queue_errors() as exc:
                queue_outage.failed(exc)
                break
            _waiting.popleft()
            queue_outage.recovered()


def in_app_context(func):
    """Run a job inside an application context with a database connection."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from flask import has_app_context
        if has_app_context():
            return func(*args, **kwargs)
        with job_app().app_context():
            from .db import db
            with db.connection_context():
                return func(*args, **kwargs)
    return wrapper


class InProcessConsumer(Consumer):
    """A consumer that runs beside the web server: threads only, leaves signal handling alone."""

    def _set_signal_handlers(self):
        pass


_consumer = None


def start_in_process_consumer(workers=2):
    global _consumer
    if _consumer is None and not huey.immediate:
        _consumer = InProcessConsumer(huey, workers=workers, worker_type="thread", periodic=True)
        _consumer.start()
        log.info("in-process job consumer started with %s threads", workers)
    return _consumer


def stop_in_process_consumer():
    global _consumer
    if _consumer is not None:
        _consumer.stop(graceful=True)
        _consumer = None
