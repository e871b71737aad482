"""Meetup sign-up burst: N youth sign up for one meetup at the same moment, over HTTP, against a live
threaded server; prints latency (p50/p95/max), throughput and whether the outcome stayed exact.

    .venv/bin/python tests/benchmarks/meetup_signups.py                 # SQLite in a temporary directory
    .venv/bin/python tests/benchmarks/meetup_signups.py --database-url postgresql://postgres@127.0.0.1:5432/tuttu_bench
    ... --youth 500 --places 10 --rounds 3

Every request goes through the whole stack (session cookie, CSRF, validation, the locked transaction).
The PostgreSQL database named by the URL is EMPTIED first (all Tuttu tables truncated): use a scratch database.
"""
import argparse
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("TUTTU_TASKS_IMMEDIATE", "1")

import requests  # noqa: E402

from backend import create_app  # noqa: E402
from backend.db import db, is_postgres  # noqa: E402
from backend.models import ALL_MODELS, Meetup, Signup, utcnow  # noqa: E402
from tests.support import serving  # noqa: E402


def make_app(url, workdir):
    return create_app({"TESTING": True, "INSTANCE_PATH": workdir, "SECRET_KEY": secrets.token_hex(16),
                       "DATABASE_URL": url, "RATELIMIT_ENABLED": False, "REDIS_URL": None,
                       "MEDIA_PATH": os.path.join(workdir, "media")})


def youth_session(base):
    session = requests.Session()
    session.headers["Origin"] = base
    token = session.get(f"{base}/api/csrf").json()["csrf_token"]
    session.post(f"{base}/api/youth", headers={"X-CSRF-Token": token}).raise_for_status()
    session.headers["X-CSRF-Token"] = session.get(f"{base}/api/csrf").json()["csrf_token"]
    return session


def burst(base, meetup_id, sessions):
    barrier = threading.Barrier(len(sessions) + 1)
    results = [None] * len(sessions)

    def one(n, session):
        barrier.wait()
        started = time.perf_counter()
        response = session.post(f"{base}/api/meetups/{meetup_id}/signups", json={"first_name": "Y", "age": 14},
                                timeout=120)
        results[n] = (response.status_code, time.perf_counter() - started)

    threads = [threading.Thread(target=one, args=(n, s)) for n, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def exact(app, meetup_id, places, youth):
    with app.app_context(), db.connection_context():
        rows = list(Signup.select().where(Signup.meetup == meetup_id).order_by(Signup.arrival))
    statuses = [r.status for r in rows]
    return (len(rows) == youth and [r.arrival for r in rows] == list(range(1, youth + 1))
            and statuses == ["confirmed"] * places + ["waitlisted"] * (youth - places))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--youth", type=int, default=200)
    parser.add_argument("--places", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="tuttu-meetups-bench-")
    app = make_app(args.database_url or f"sqlite:///{workdir}/bench.db", workdir)
    with app.app_context(), db.connection_context():
        if is_postgres():
            db.execute_sql("TRUNCATE " + ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS) + " RESTART IDENTITY CASCADE")
        engine = "PostgreSQL" if is_postgres() else "SQLite"
    with serving(app, backlog=1024) as base:       # 200 phones at once: a deep accept queue
        run_rounds(app, base, engine, args)


def run_rounds(app, base, engine, args):
    print(f"{engine}: {args.youth} simultaneous sign-ups for {args.places} places, {args.rounds} rounds\n")
    print(f"{'round':>5} {'wall s':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'5xx':>5} {'exact':>6}")
    for round_ in range(1, args.rounds + 1):
        sessions = [youth_session(base) for _ in range(args.youth)]
        with app.app_context(), db.connection_context():
            now = utcnow()
            meetup = Meetup.create(title=f"Bench {round_}", kind="other", venue_name="Hall", capacity=args.places,
                                   waitlist_size=args.youth, starts_at=now + timedelta(days=2),
                                   ends_at=now + timedelta(days=2, hours=2))
        results, wall = burst(base, meetup.id, sessions)
        latencies = sorted(seconds * 1000 for _, seconds in results)
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        errors = sum(1 for code, _ in results if code >= 500)
        print(f"{round_:>5} {wall:>8.2f} {len(results) / wall:>8.0f} {statistics.median(latencies):>8.0f} {p95:>8.0f} "
              f"{latencies[-1]:>8.0f} {errors:>5} {str(exact(app, meetup.id, args.places, args.youth)):>6}")


if __name__ == "__main__":
    main()
