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
    """Queue the job `name` for the worker (run inline when TUTTU_TASKS_IMMEDIATE is set)."""
    return _jobs[name](*args, **kwargs)


def schedule_job(name: str, delay: float, *args, **kwargs):
    """Queue the job `name` to run in `delay` seconds."""
    return _jobs[name].schedule(args=args, kwargs=kwargs, delay=delay)


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
