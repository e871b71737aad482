"""Benchmark: one session reminder fanned out to 100,000 subscriptions through the local push service.

    .venv/bin/python tests/benchmarks/push_fanout.py [--subscriptions 100000] [--workers 1]
        [--concurrency 32] [--database-url postgresql://...]

5% of the endpoints are dead (410 Gone), 1% answer 429 with Retry-After: 2 once. The push service runs
in its own process and verifies every VAPID JWT and decrypts every message with http_ece. Delivery
runs in `--workers` processes, each the same code the huey worker runs (deliver_due). Prints a table:
time to fan out and to deliver all live subscriptions, dead ones deleted, duplicates (must be 0),
VAPID signatures made (one per worker process per origin per expiry window) and seen.
"""
import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def admin(base, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read())


def start_push_service(port):
    process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "push" / "pushservice.py"), "--port", str(port)],
                               stdout=subprocess.PIPE, text=True)
    process.stdout.readline()          # "push service on ..."
    return process, f"http://127.0.0.1:{port}"


def app_config(args, instance):
    return {"INSTANCE_PATH": instance, "DATABASE_URL": args.database_url or f"sqlite:///{instance}/bench.db",
            "PUSH_ALLOW_LOOPBACK": True, "SECRET_KEY": "benchmark", "RATELIMIT_ENABLED": False}


def worker(name, config, concurrency, results):
    """One delivery worker process: send what is due until nothing is queued."""
    os.environ["TUTTU_PUSH_CONCURRENCY"] = str(concurrency)
    from backend import create_app
    from backend.clock import utcnow
    from backend.push.delivery import deliver_due, next_due, sender
    app = create_app(config)
    totals = {}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    startup_cpu = usage.ru_utime + usage.ru_stime
    with app.app_context():
        while True:
            for key, value in deliver_due(worker=name).items():
                totals[key] = totals.get(key, 0) + value
            upcoming = next_due()
            if upcoming is None:
                break
            time.sleep(min(1.0, max(0.05, (upcoming - utcnow()).total_seconds())))
        totals["signatures"] = sender().signer.signatures
    totals["finished"] = time.time()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    totals["max_rss_mb"], totals["cpu"] = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime - startup_cpu
    results.put((name, totals))


def setup(args, base, config):
    from backend import create_app
    from backend.clock import utcnow
    from backend.models import ChatSession, PushSubscription
    app = create_app(config)
    started = time.time()
    browsers = []
    while len(browsers) < args.subscriptions:
        browsers += admin(base, "/_admin/subscribe", {"count": min(5000, args.subscriptions - len(browsers))})
    dead = [b["endpoint"] for i, b in enumerate(browsers) if i % 20 == 0]
    limited = [b["endpoint"] for i, b in enumerate(browsers) if i % 100 == 1]
    admin(base, "/_admin/answer", {"endpoints": dead, "status": 410})
    admin(base, "/_admin/answer", {"endpoints": limited, "status": 429, "retry_after": 2, "times": 1})
    with app.app_context():
        rows = [{"endpoint": b["endpoint"], "p256dh": b["keys"]["p256dh"], "auth": b["keys"]["auth"]}
                for b in browsers]
        from backend.db import db
        with db.atomic():
            for start in range(0, len(rows), 1000):
                PushSubscription.insert_many(rows[start:start + 1000]).execute()
        now = utcnow()
        session = ChatSession.create(title="Monday chat", starts_at=now + timedelta(minutes=60),
                                     ends_at=now + timedelta(minutes=180))
    return app, session, len(dead), len(limited), time.time() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="tuttu-push-bench-")
    os.environ["TUTTU_INSTANCE_PATH"] = instance       # the job queue file goes here, not in the repo
    os.environ.pop("TUTTU_TASKS_IMMEDIATE", None)
    os.environ.pop("REDIS_URL", None)
    service, base = start_push_service(args.port)
    try:
        run(args, base, app_config(args, instance))
    finally:
        service.terminate()


def run(args, base, config):
    from backend.models import Delivery, PushSubscription
    from backend.push.notify import notify_session_reminder
    app, session, dead, limited, setup_seconds = setup(args, base, config)
    started = time.time()
    with app.app_context():
        note = notify_session_reminder(session, "hour")      # queues; the workers below send
        queued = note.counts().get("queued", 0)
    fanned_out = time.time() - started
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [context.Process(target=worker, args=(f"w{i}", config, args.concurrency, results))
                 for i in range(args.workers)]
    for process in processes:
        process.start()
    outcomes = dict(results.get() for _ in processes)
    for process in processes:
        process.join()
    finished = max(o["finished"] for o in outcomes.values())
    service = admin(base, "/_admin/stats")
    with app.app_context():
        counts = Delivery.counts()
        remaining = PushSubscription.select().count()
    live = args.subscriptions - dead
    rows = [
        ("subscriptions (dead 410 / 429 once)", f"{args.subscriptions:,} ({dead:,} / {limited:,})"),
        ("database", config["DATABASE_URL"].split(":")[0]),
        ("workers x concurrency", f"{args.workers} x {args.concurrency}"),
        ("setup (keys, rows; not timed below)", f"{setup_seconds:.1f} s"),
        ("fan-out: deliveries queued", f"{queued:,} in {fanned_out:.2f} s"),
        ("all live delivered after", f"{finished - started:.1f} s"),
        ("throughput", f"{live / (finished - started):,.0f} messages/s"),
        ("accepted by push service (live)", f"{service['accepted']:,} ({live:,})"),
        ("deliveries sent / gone / failed / dropped",
         " / ".join(f"{counts.get(s, 0):,}" for s in ("sent", "gone", "failed", "dropped"))),
        ("dead subscriptions deleted", f"{args.subscriptions - remaining:,} of {dead:,}"),
        ("sent twice (push service duplicates)", f"{service['duplicates']}"),
        ("VAPID signatures made / distinct JWTs seen",
         f"{sum(o['signatures'] for o in outcomes.values())} / {service['vapid_tokens']}"),
        ("push service answers", ", ".join(f"{k}: {v:,}" for k, v in sorted(service["counts"].items()))),
        ("CPU s (after start-up): workers / push service",
         f"{sum(o['cpu'] for o in outcomes.values()):.1f} / {service['cpu_seconds']:.1f}"),
        ("worker CPU per message", f"{sum(o['cpu'] for o in outcomes.values()) / args.subscriptions * 1000:.2f} ms"),
        ("worker peak RSS", ", ".join(f"{o['max_rss_mb']:.0f} MB" for o in outcomes.values())),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"\n{'measure':<{width}}  value\n{'-' * width}  {'-' * 30}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    ok = (service["accepted"] == live and service["duplicates"] == 0 and remaining == live)
    print("\nresult:", "OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
