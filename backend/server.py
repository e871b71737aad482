"""The embedded server for `python app.py`: gunicorn in-process, one worker, jobs beside it.

One worker process keeps the in-process broker and job consumer meaningful; gevent greenlets hold
the WebSocket connections (tests/benchmarks/chat_fanout.py: about 54 KiB per idle chat socket against
~200 KiB with gthread threads). Production runs the Procfile's web and worker lines instead.
"""

from gunicorn.app.base import BaseApplication


class EmbeddedServer(BaseApplication):
    def __init__(self, app, options):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def _start_jobs(worker):
    from .chat import green_postgres
    green_postgres()               # the worker is monkey-patched now; psycopg2 must yield too
    from .tasks import start_in_process_consumer
    start_in_process_consumer()


def _stop_jobs(server, worker):
    from .tasks import stop_in_process_consumer
    stop_in_process_consumer()


def serve(app, host: str, port: int):
    options = {
        "bind": f"{host}:{port}",
        "workers": 1,
        "worker_class": "gevent",         # app.py monkey-patches before anything else is imported
        "worker_connections": 10000,
        "timeout": 0,
        "graceful_timeout": 5,
        "keepalive": 30,
        # privacy: no client addresses in the access log
        "accesslog": "-",
        "access_log_format": '%(t)s "%(r)s" %(s)s %(b)s %(M)sms',
        "post_worker_init": _start_jobs,
        "worker_exit": _stop_jobs,
    }
    EmbeddedServer(app, options).run()
