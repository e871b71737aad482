"""Background jobs: one huey instance (SQLite file by default, Redis when REDIS_URL is set).

Features register their jobs on `huey` in their own modules, e.g.

    from .tasks import huey, in_app_context
    @huey.periodic_task(crontab(minute="*/5"))
    @in_app_context
    def purge_old_messages(): ...

`python app.py` runs a consumer inside the web process (start_in_process_consumer); the Procfile's
`worker` line runs `huey_consumer app.huey` (app.py imports every feature, so all jobs are registered).
Tests run tasks immediately.
"""
import functools
import logging

from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer

from .config import env, env_bool, instance_path

log = logging.getLogger(__name__)


def make_huey():
    if env("REDIS_URL"):
        return RedisHuey("tuttu", url=env("REDIS_URL"), immediate=env_bool("TUTTU_TASKS_IMMEDIATE"))
    return SqliteHuey("tuttu", filename=str(instance_path() / "jobs.db"),
                      immediate=env_bool("TUTTU_TASKS_IMMEDIATE"))


huey = make_huey()
_app = None


def bind_app(app):
    """Jobs run in this app's context (the web app in-process; a fresh app in the worker)."""
    global _app
    _app = app


def job_app():
    global _app
    if _app is None:
        from . import create_app
        _app = create_app()
    return _app


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
