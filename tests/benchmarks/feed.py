"""Feed benchmark: seed 100,000 posts, 50 sectors and 20,000 youth with follows, then time the feed in-process.

    .venv/bin/python tests/benchmarks/feed.py                       # SQLite in a temporary directory
    .venv/bin/python tests/benchmarks/feed.py --database-url postgresql://postgres@127.0.0.1:5432/tuttu_bench
    ... --posts 10000 --youth 2000 --samples 100     (quick run)     ... --explain   (query plans)

Times the whole request through Flask (login cookie, follows lookup, the page query, JSON) for the first
page, the next pages (following next_cursor) and deep pages (a cursor months back), for the Home feed
and a sector's public feed. Prints p50/p99 per kind of page. Goal: p99 under 20 ms. The PostgreSQL
database named by the URL is EMPTIED first (its public schema is dropped): use a scratch database.
"""
import argparse
import gc
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("TUTTU_TASKS_IMMEDIATE", "1")

from backend import create_app  # noqa: E402
from backend.db import db, is_postgres  # noqa: E402
from backend.demo import cell_polygon  # noqa: E402
from backend.models import Sector, Staff, Youth, utcnow  # noqa: E402
from backend.models.feed import Follow, Post  # noqa: E402
from backend.models.logins import Login  # noqa: E402

TOPICS = list(Post.TOPICS)
TEXT = ("Scooters on the pavement near the school again this week. Please ride on the cycle path, wear a "
        "helmet, and remember you can ask us anything in the Monday chat. ")


def make_app(url, workdir):
    if url.startswith("postgres"):          # a scratch database: start from an empty schema every run
        from backend.db import database_from_url
        scratch = database_from_url(url)
        scratch.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        scratch.commit() if scratch.in_transaction() else None
        scratch.close_all() if hasattr(scratch, "close_all") else scratch.close()
    config = {"TESTING": True, "INSTANCE_PATH": workdir, "SECRET_KEY": secrets.token_hex(16), "DATABASE_URL": url,
              "RATELIMIT_ENABLED": False, "MEDIA_PATH": os.path.join(workdir, "media"), "REDIS_URL": None}
    return create_app(config)


def chunks(rows, size=2000):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def seed(n_posts, n_sectors, n_youth, rng):
    """Sectors with two officers each, posts over a year (5% city-wide, one pinned per officer), follows."""
    now = utcnow()
    with db.atomic():
        sectors = [Sector.create(slug=f"s{i}", name=f"Sector {i}", geometry=cell_polygon(i), office_hours=[])
                   for i in range(n_sectors)]
        officers = [Staff.register(f"o{i}@bench.example", f"Officer {i}", Staff.OFFICER, "x" * 12,
                                   sector=sectors[i // 2], verified_by=True) for i in range(2 * n_sectors)]
    posts = []
    for _ in range(n_posts):
        author = rng.choice(officers)
        posts.append({"author": author.id, "sector": None if rng.random() < 0.05 else author.sector_id,
                      "text": TEXT[: rng.randint(40, len(TEXT))], "tags": [rng.choice(TOPICS)], "pinned": False,
                      "created_at": now - timedelta(seconds=rng.randint(0, 365 * 24 * 3600))})
    for officer, row in zip(officers, rng.sample(range(n_posts), len(officers))):
        posts[row].update(author=officer.id, sector=officer.sector_id, pinned=True)
    youth = [{"handle": f"bench{i}", "session_epoch": secrets.token_urlsafe(8), "created_at": now,
              "last_seen_at": now} for i in range(n_youth)]
    with db.atomic():
        for chunk in chunks(posts):
            Post.insert_many(chunk).execute()
        for chunk in chunks(youth):
            Youth.insert_many(chunk).execute()
    youth_ids = [row[0] for row in Youth.select(Youth.id).tuples()]
    follows = []
    for youth_id in youth_ids:
        for sector in rng.sample(sectors, rng.randint(1, 3)):
            follows.append({"youth": youth_id, "sector": sector.id, "officer": None, "created_at": now})
        for officer in rng.sample(officers, rng.randint(0, 2)):
            follows.append({"youth": youth_id, "sector": None, "officer": officer.id, "created_at": now})
    with db.atomic():
        for chunk in chunks(follows):
            Follow.insert_many(chunk).execute()
    if is_postgres():               # settle the freshly loaded tables now, not in autovacuum during the timing
        connection = db.connection()
        connection.autocommit, before = True, connection.autocommit
        connection.cursor().execute("VACUUM ANALYZE")
        connection.autocommit = before
    else:
        db.execute_sql("ANALYZE")
    return sectors, officers, youth_ids, len(follows)


def logged_in(app, youth_id):
    client = app.test_client()
    youth = Youth.get_by_id(youth_id)
    with client.session_transaction() as session:
        session["_user_id"] = youth.get_id()
        session["_fresh"] = False
        session["login"] = Login.start(youth, timedelta(hours=1))[1]   # a server-side login for the cookie
        session.permanent = True
    return client


def timed(client, url, record, key):
    """One request: wall-clock ms into record[key], CPU ms into record[key + " (CPU)"]; returns the JSON."""
    cpu, start = time.thread_time(), time.perf_counter()
    response = client.get(url)
    record[key].append((time.perf_counter() - start) * 1000)
    record[key + " (CPU)"].append((time.thread_time() - cpu) * 1000)
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    return response.json


def deep_cursor(rng):
    import base64
    stamp = utcnow() - timedelta(days=rng.randint(150, 330))
    return base64.urlsafe_b64encode(f"{stamp.isoformat()}|{2**31 - 1}".encode()).decode().rstrip("=")


KINDS = ("home: first page", "home: next pages (2-5)", "home: deep page (months back)",
         "sector: first page", "sector: deep page")


def measure(app, sectors, youth_ids, samples, rng):
    record = {key + suffix: [] for key in KINDS for suffix in ("", " (CPU)")}
    for youth_id in rng.sample(youth_ids, samples):
        client = logged_in(app, youth_id)
        page = timed(client, "/api/feed", record, KINDS[0])
        assert page["items"], "the feed should not be empty"
        for _ in range(4):
            if not page["next_cursor"]:
                break
            page = timed(client, f"/api/feed?cursor={page['next_cursor']}", record, KINDS[1])
        timed(client, f"/api/feed?cursor={deep_cursor(rng)}", record, KINDS[2])
        sector = rng.choice(sectors)
        timed(client, f"/api/sectors/{sector.id}/posts", record, KINDS[3])
        timed(client, f"/api/sectors/{sector.id}/posts?cursor={deep_cursor(rng)}", record, KINDS[4])
    return record


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def explain(rng, sectors, officers):
    """Print the plan of a typical Home page query (3 sectors, 1 officer, city-wide, with a cursor)."""
    sql, params = Post.page_query([s.id for s in sectors[:3]], [officers[-1].id], True,
                                  before=(utcnow() - timedelta(days=100), 2**31 - 1))
    prefix = "EXPLAIN " if is_postgres() else "EXPLAIN QUERY PLAN "
    print(f"\nPlan of the Home page query ({'PostgreSQL' if is_postgres() else 'SQLite'}):")
    for row in db.execute_sql(prefix + sql, params).fetchall():
        print("   ", " | ".join(str(c) for c in row))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="postgresql://... (emptied first!) or sqlite:///path; default a temporary SQLite file")
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--sectors", type=int, default=50)
    parser.add_argument("--youth", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=300, help="youth whose feed is read")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as workdir:
        url = args.database_url or f"sqlite:///{Path(workdir) / 'bench.db'}"
        app = make_app(url, workdir)
        kind = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        with app.app_context():
            db.connect(reuse_if_open=True)
            started = time.perf_counter()
            sectors, officers, youth_ids, n_follows = seed(args.posts, args.sectors, args.youth, rng)
            print(f"{kind}: seeded {args.posts:,} posts, {args.sectors} sectors, {len(officers)} officers, "
                  f"{len(youth_ids):,} youth, {n_follows:,} follows in {time.perf_counter() - started:.1f} s")
            if args.explain:
                explain(rng, sectors, officers)
            db.close()
        measure(app, sectors, youth_ids, min(20, args.samples), rng)        # warm-up
        gc.collect()
        gc.freeze()                     # the seeded objects are not garbage: don't rescan them in every pause
        times = measure(app, sectors, youth_ids, args.samples, rng)
        print(f"\nFeed endpoint in-process on {kind}, {args.samples} youth, 20 posts per page (ms)")
        print(f"{'page':<32}{'requests':>9}{'p50':>8}{'p99':>8}{'max':>8}{'CPU p50':>9}{'CPU p99':>9}")
        worst = 0.0
        for name in KINDS:
            wall, cpu = times[name], times[name + " (CPU)"]
            worst = max(worst, percentile(wall, 0.99))
            print(f"{name:<32}{len(wall):>9}{statistics.median(wall):>8.2f}{percentile(wall, 0.99):>8.2f}"
                  f"{max(wall):>8.2f}{statistics.median(cpu):>9.2f}{percentile(cpu, 0.99):>9.2f}")
        print(f"\nworst wall-clock p99 {worst:.2f} ms: {'meets' if worst < 20 else 'MISSES'} the 20 ms goal"
              f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        if hasattr(db.obj, "close_all"):
            db.obj.close_all()


if __name__ == "__main__":
    main()
