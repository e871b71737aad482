"""/metrics in the Prometheus text format (prometheus_client), for the operator's monitoring only.

Protected: a request needs `Authorization: Bearer <TUTTU_METRICS_TOKEN>` when that is set, otherwise it
must come from an address in TUTTU_METRICS_ALLOW (loopback by default). Several gunicorn processes: set
PROMETHEUS_MULTIPROC_DIR to an empty directory shared by them, and any process answers for all.

What it tells (no one's identity, only counts):
  tuttu_http_requests_total{method,route,status}, tuttu_http_request_seconds{method,route}
                                              (with the chat sockets the join gate refuses before Flask: 429, 503)
  tuttu_chat_sockets{role,session}            open chat sockets (summed over live processes)
  tuttu_fanout_lag_seconds                     publish on one process -> dispatch on another (Redis)
  tuttu_broker_up{pid}, tuttu_broker_reconnects{pid}, tuttu_broker_down_seconds{pid}
  tuttu_job_queue_depth, tuttu_jobs_waiting    queued jobs; jobs held in a web process while Redis is away
  tuttu_push_deliveries{status}                deliveries in the database by result (sent, gone, failed, ...)
  tuttu_meetup_signups{status}                 meet-up sign-ups in the database by status
"""
import hmac
import os
import threading
import time

from flask import Blueprint, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from .broker import get_broker
from .errors import ApiError

bp = Blueprint("metrics", __name__)

HTTP_REQUESTS = Counter("tuttu_http_requests", "HTTP requests by method, route and status",
                        ["method", "route", "status"])
HTTP_SECONDS = Histogram("tuttu_http_request_seconds", "HTTP request duration by method and route",
                         ["method", "route"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
SOCKETS = Gauge("tuttu_chat_sockets", "Open chat sockets by role and session", ["role", "session"],
                multiprocess_mode="livesum")
FANOUT_LAG = Histogram("tuttu_fanout_lag_seconds", "From publish on one process to dispatch on a receiving process",
                       buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
BROKER_UP = Gauge("tuttu_broker_up", "1 when fan-out between processes works in this process",
                  multiprocess_mode="liveall")
BROKER_RECONNECTS = Gauge("tuttu_broker_reconnects", "Times this process's broker came back after an outage",
                          multiprocess_mode="liveall")
BROKER_DOWN_SECONDS = Gauge("tuttu_broker_down_seconds", "How long fan-out has been down in this process (0 when up)",
                            multiprocess_mode="liveall")
JOBS_WAITING = Gauge("tuttu_jobs_waiting", "Jobs held in a web process until the job queue (Redis) is back",
                     multiprocess_mode="livesum")

REFRESH_EVERY = 5.0                 # seconds between updates of this process's gauges
_refresher = None
_sockets_seen = set()


def refresh_process_gauges():
    """This process's sockets and broker state into its gauges (a dead process's values vanish)."""
    from .chat.hub import hub
    from .tasks import waiting_jobs
    counts = {}
    for conn in hub.connections():
        room = conn.room
        key = (conn.role, str(room.session_id if room else 0))
        counts[key] = counts.get(key, 0) + 1
    for key in _sockets_seen - set(counts):
        SOCKETS.labels(*key).set(0)
    for key, n in counts.items():
        SOCKETS.labels(*key).set(n)
    _sockets_seen.update(counts)
    broker = get_broker()
    BROKER_UP.set(1 if broker.healthy() else 0)
    BROKER_RECONNECTS.set(broker.reconnects)
    BROKER_DOWN_SECONDS.set(0 if broker.healthy() else round(time.time() - broker.since, 1))
    JOBS_WAITING.set(waiting_jobs())


def _refresh_forever():
    while True:
        try:
            refresh_process_gauges()
        except Exception:          # metrics never take a process down
            pass
        time.sleep(REFRESH_EVERY)


def start_refresher():
    global _refresher
    if _refresher is None or not _refresher.is_alive():
        _refresher = threading.Thread(target=_refresh_forever, name="metrics", daemon=True)
        _refresher.start()


class DatabaseCounts:
    """Counts read from the shared database and queue when scraped: the same whichever process answers."""

    def collect(self):
        from .db import db
        from .models import Delivery, Signup
        from .tasks import huey
        depth = GaugeMetricFamily("tuttu_job_queue_depth", "Jobs waiting in the job queue")
        try:
            depth.add_metric([], huey.pending_count())
            yield depth
        except Exception:
            pass
        try:
            from peewee import fn
            with db.connection_context():
                push = GaugeMetricFamily("tuttu_push_deliveries", "Push deliveries in the database by result",
                                         labels=["status"])
                for status, n in Delivery.select(Delivery.status, fn.COUNT(Delivery.id)).group_by(Delivery.status).tuples():
                    push.add_metric([status], n)
                signups = GaugeMetricFamily("tuttu_meetup_signups", "Meet-up sign-ups in the database by status",
                                            labels=["status"])
                for status, n in Signup.select(Signup.status, fn.COUNT(Signup.id)).group_by(Signup.status).tuples():
                    signups.add_metric([status], n)
            yield push
            yield signups
        except Exception:          # the database is away: /healthz tells; metrics still answer
            pass


def allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return request.remote_addr in current_app.config.get("METRICS_ALLOW", ["127.0.0.1", "::1"])


@bp.get("/metrics")
def metrics():
    """The Prometheus text format; 404 for anyone not allowed (it doesn't advertise itself)."""
    if not allowed():
        raise ApiError(404, "not_found", "Not found.")
    refresh_process_gauges()
    registry = CollectorRegistry()
    directory = current_app.config.get("METRICS_MULTIPROC_DIR")
    if directory:
        from prometheus_client import multiprocess
        forget_dead_processes(directory)
        multiprocess.MultiProcessCollector(registry)
    else:
        for metric in PROCESS_METRICS:
            registry.register(metric)
    registry.register(DatabaseCounts())
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


PROCESS_METRICS = (HTTP_REQUESTS, HTTP_SECONDS, SOCKETS, FANOUT_LAG, BROKER_UP, BROKER_RECONNECTS,
                   BROKER_DOWN_SECONDS, JOBS_WAITING)


def forget_dead_processes(directory):
    """A killed process (kill -9: no exit hook ran) leaves its live gauges behind: drop them."""
    import glob
    import re

    from prometheus_client import multiprocess
    for path in glob.glob(os.path.join(directory, "gauge_live*_*.db")):
        match = re.search(r"_(\d+)\.db$", path)
        if not match:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, directory)
        except PermissionError:
            pass


def count_request(method, route, status):
    """One answer in tuttu_http_requests_total (also called by the chat's join gate, which answers before Flask)."""
    HTTP_REQUESTS.labels(method, route, str(status)).inc()


def init_app(app):
    """HTTP counts and latency for every request, fan-out lag from the broker, the /metrics route."""
    app.register_blueprint(bp)
    get_broker().lag_observer = FANOUT_LAG.observe

    @app.before_request
    def _start_clock():
        g.metrics_started = time.perf_counter()
        start_refresher()

    @app.after_request
    def _count(response):
        started = g.pop("metrics_started", None)
        if started is not None:
            route = request.url_rule.rule if request.url_rule else "unmatched"
            HTTP_SECONDS.labels(request.method, route).observe(time.perf_counter() - started)
            count_request(request.method, route, response.status_code)
        return response
