"""The embedded server for `python app.py`: gunicorn in-process, one worker, jobs beside it.

One worker process keeps the in-process broker and job consumer meaningful; threads hold the
WebSocket connections. Production runs the Procfile's web and worker lines instead.
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
    from .tasks import start_in_process_consumer
    start_in_process_consumer()


def _stop_jobs(server, worker):
    from .tasks import stop_in_process_consumer
    stop_in_process_consumer()


def serve(app, host: str, port: int, threads: int = 256):
    options = {
        "bind": f"{host}:{port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": threads,
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
