"""Chat fan-out benchmark: one session, N observers, a host sending M messages a second of 200 bytes.

    .venv/bin/python tests/benchmarks/chat_fanout.py --clients 2000 --rate 5 --seconds 20 \
        --servers gthread,gevent
    .venv/bin/python tests/benchmarks/chat_fanout.py --servers gevent --processes 2 --redis   # cross-process

For each server (gunicorn with one worker: gthread or gevent) it starts the app on a fresh SQLite
database (or $BENCH_DATABASE_URL), opens N observer sockets from a *separate* load process (asyncio +
`websockets`), measures the server's memory per idle connection, then has a staff member send at
the given rate and measures delivery latency from send to every receiver (p50/p99/max), lost and
duplicated messages. Prints one table row per server. Not a test: run it by hand.
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "benchmark password 123"


# --- orchestrator ----------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(env):
    """A verified host and a session open now in open mode; returns the session id."""
    code = (
        "from backend import create_app\n"
        "from backend.models import Staff, ChatSession, utcnow\n"
        "from datetime import timedelta\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    if not Staff.get_or_none(Staff.email == 'host@bench.tuttu.fi'):   # a PostgreSQL database is reused\n"
        f"        Staff.register('host@bench.tuttu.fi', 'Bench Host', 'youth_worker', {PASSWORD!r}, verified_by=True)\n"
        "    now = utcnow()\n"
        "    s = ChatSession.create(title='Bench', starts_at=now, ends_at=now + timedelta(hours=3), moderation='open')\n"
        "    print(s.id)\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def server_command(kind, port, clients):
    base = [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "--timeout", "0",
            "--backlog", "4096", "--keep-alive", "30", "--log-level", "warning"]
    if kind == "gthread":
        return base + ["--worker-class", "gthread", "--threads", str(clients + 64),
                       "--worker-connections", str(clients + 1000), "app:app"]
    return base + ["--worker-class", "gevent", "--worker-connections", str(clients + 1000), "app:app"]


def worker_pid(master):
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().split(") ")[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == master:
            return int(stat.parent.name)
    return master


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().split(") ")[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_healthy(url, timeout=30):
    import urllib.request
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def login_cookie(url):
    import requests
    http = requests.Session()
    token = http.get(url + "/api/csrf").json()["csrf_token"]
    r = http.post(url + "/api/auth/login", json={"email": "host@bench.tuttu.fi", "password": PASSWORD},
                  headers={"X-CSRF-Token": token})
    r.raise_for_status()
    return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def warm_up(url, session_id, cookie):
    """Open and close a few sockets and send one message, so first-use costs are not counted."""
    import websocket
    ws_url = url.replace("http", "ws", 1) + f"/ws/sessions/{session_id}"
    sockets = [websocket.create_connection(ws_url, origin=url, cookie=cookie if i == 0 else None, timeout=30)
               for i in range(20)]
    sockets[0].send(json.dumps({"type": "say", "cid": "warm-up", "text": "warm-up"}))
    for ws in sockets:
        while json.loads(ws.recv())["type"] != "message":
            pass
        ws.close()


def start_redis():
    """--redis: a redis-server of this benchmark's own on a loopback port of 18500-18599 (no persistence)."""
    import redis
    for port in range(18500, 18600):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                break
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(50):
        try:
            redis.Redis.from_url(url).ping()
            return process, url
        except redis.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("redis-server did not start")


def run_server(kind, args):
    tmp = tempfile.mkdtemp(prefix=f"chatbench-{kind}-")
    ports = [free_port() for _ in range(args.processes)]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    url = urls[0]
    env = {**os.environ, "TUTTU_INSTANCE_PATH": tmp, "TUTTU_PUBLIC_URL": url, "TUTTU_RATELIMIT": "0",
           "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.db"),
           "TUTTU_CHAT_SOCKETS_PER_ADDRESS": str(args.clients + 100),     # all from 127.0.0.1 here
           "TUTTU_CHAT_JOIN_BURST": str(args.clients + 100), "TUTTU_CHAT_JOINS_PER_SECOND": "100000"}
    env.pop("REDIS_URL", None)
    redis_server = None
    if args.redis:
        redis_server, env["REDIS_URL"] = start_redis()
    session_id = seed(env)
    servers = [subprocess.Popen(server_command(kind, port, args.clients), cwd=ROOT,
                                env={**env, "TUTTU_PUBLIC_URL": u}, start_new_session=True)
               for port, u in zip(ports, urls)]
    server = servers[-1]                  # the observers' process: memory and CPU are measured there
    try:
        for u in urls:
            wait_healthy(u)
        worker = worker_pid(server.pid)
        cookie = login_cookie(url)
        warm_up(url, session_id, cookie)
        time.sleep(1.0)
        base_rss = rss_kib(worker)
        per_proc = -(-args.clients // args.procs)
        loads = [subprocess.Popen([sys.executable, __file__, "--load", "--url", url, "--observer-url", urls[-1],
                                   "--session", str(session_id),
                                   "--cookie", cookie if i == 0 else "", "--clients", str(per_proc),
                                   "--rate", str(args.rate), "--seconds", str(args.seconds), "--size", str(args.size),
                                   "--connect-timeout", str(args.connect_timeout)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
                 for i in range(args.procs)]
        for load in loads:
            assert load.stdout.readline().strip() == "CONNECTED"
        time.sleep(3.0)
        idle_rss = rss_kib(worker)
        cpu_before = cpu_seconds(worker)
        for load in loads:
            load.stdin.write("GO\n")
            load.stdin.flush()
        parts = [json.loads(load.stdout.readline()) for load in loads]
        server_cpu = cpu_seconds(worker) - cpu_before
        for load in loads:
            load.wait(timeout=60)
        result = merge(parts)
        result.update(server_cpu_ms_per_msg=round(server_cpu * 1000 / max(1, result["sent"]), 1),
                      load_cpu_pct=round(sum(p["cpu_s"] for p in parts) * 100 / max(1.0, result["busy_s"]), 0))
        if args.processes > 1:
            kind = f"{kind} x{args.processes}" + (" redis" if args.redis else "")
        result.update(server=kind, mem_per_conn_kib=round((idle_rss - base_rss) / max(1, result["connected"]), 1),
                      base_rss_mib=round(base_rss / 1024, 1), idle_rss_mib=round(idle_rss / 1024, 1))
        return result
    finally:
        for each in servers:
            os.killpg(each.pid, signal.SIGTERM)
            try:
                each.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(each.pid, signal.SIGKILL)
                each.wait()
        if redis_server is not None:
            redis_server.kill()
            redis_server.wait()


def merge(parts):
    latencies = sorted(x for part in parts for x in part["latencies"])
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 100 else [0] * 99
    return {"connected": sum(p["connected"] for p in parts), "connect_s": max(p["connect_s"] for p in parts),
            "sent": max(p["sent"] for p in parts), "p50_ms": round(q[49], 1), "p99_ms": round(q[98], 1),
            "max_ms": round(latencies[-1], 1) if latencies else None,
            "lost": sum(p["lost"] for p in parts), "duplicated": sum(p["duplicated"] for p in parts),
            "busy_s": max(p["busy_s"] for p in parts)}


def print_table(rows, args):
    print(f"\nchat fan-out: 1 session, {args.clients} observer sockets + 1 host, {args.rate} msg/s of {args.size} B "
          f"for {args.seconds} s; server and load on the same 2-core machine shared with other work")
    head = ("server", "connected", "connect s", "sent", "p50 ms", "p99 ms", "max ms", "lost", "dup",
            "KiB/idle conn", "RSS idle MiB", "srv CPU ms/msg", "load CPU %")
    print(" | ".join(f"{h:>12}" for h in head))
    for r in rows:
        cells = (r["server"], r["connected"], r["connect_s"], r["sent"], r["p50_ms"], r["p99_ms"], r["max_ms"],
                 r["lost"], r["duplicated"], r["mem_per_conn_kib"], r["idle_rss_mib"], r["server_cpu_ms_per_msg"],
                 r["load_cpu_pct"])
        print(" | ".join(f"{c!s:>12}" for c in cells))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--servers", default="gevent,gthread")
    parser.add_argument("--connect-timeout", type=float, default=240.0)
    parser.add_argument("--procs", type=int, default=2, help="load processes (the first one also sends)")
    parser.add_argument("--processes", type=int, default=1,
                        help="web processes: the host on the first, every observer on the last (cross-process)")
    parser.add_argument("--redis", action="store_true",
                        help="fan out through a redis-server the benchmark starts (needed for --processes > 1)")
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--observer-url", help=argparse.SUPPRESS)
    parser.add_argument("--url")
    parser.add_argument("--session", type=int)
    parser.add_argument("--cookie")
    args = parser.parse_args()
    if args.processes > 1 and not args.redis and not args.load:
        parser.error("--processes above 1 needs --redis (processes share fan-out through Redis)")
    if args.load:
        return asyncio.run(load_main(args))
    rows = []
    for kind in args.servers.split(","):
        try:
            rows.append(run_server(kind, args))
        except Exception as exc:            # report the others anyway
            print(f"{kind}: failed: {exc!r}", file=sys.stderr)
        print_table(rows, args)


# --- the load process ------------------------------------------------------------------------------

class Receiver:
    def __init__(self):
        self.seen = {}          # message number -> count
        self.latencies = []


async def receive(ws, rec: Receiver, ready: asyncio.Event):
    async for raw in ws:
        if raw.startswith('{"type":"message"'):
            text = json.loads(raw)["text"]
            if text == "warm-up":
                continue
            number, sent_ns, _ = text.split("|", 2)
            now = time.monotonic_ns()
            rec.seen[int(number)] = rec.seen.get(int(number), 0) + 1
            rec.latencies.append((now - int(sent_ns)) / 1e6)
        elif raw.startswith('{"type":"caught_up"'):
            ready.set()


async def pinger(ws):
    while True:
        await asyncio.sleep(20)
        await ws.send('{"type":"ping"}')


async def open_client(url, headers, rec, limit):
    from websockets.asyncio.client import connect
    async with limit:
        ws = await connect(url, origin=headers["Origin"], additional_headers={k: v for k, v in headers.items()
                                                                                if k != "Origin"},
                           compression=None, ping_interval=None, max_queue=None, open_timeout=60)
        ready = asyncio.Event()
        task = asyncio.create_task(receive(ws, rec, ready))
        await asyncio.wait_for(ready.wait(), 60)
    asyncio.create_task(pinger(ws))
    return ws, task


async def drain(live, total, seconds):
    """Wait until every receiver has every message, or nothing new arrived for 15 s."""
    deadline = time.monotonic() + seconds + 120
    last_count, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = sum(len(rec.seen) for rec in live)
        if count == total * len(live):
            return
        if count != last_count:
            last_count, last_change = count, time.monotonic()
        elif time.monotonic() - last_change > 15:
            return
        await asyncio.sleep(0.5)


async def load_main(args):
    ws_url = args.url.replace("http", "ws", 1) + f"/ws/sessions/{args.session}"
    limit = asyncio.Semaphore(64)
    receivers = [Receiver() for _ in range(args.clients)]
    host = None
    if args.cookie:            # the sender first, so it always has a socket
        host, _ = await open_client(ws_url, {"Origin": args.url, "Cookie": args.cookie}, Receiver(), limit)
    started = time.monotonic()
    observer_url = args.observer_url or args.url
    observer_ws = observer_url.replace("http", "ws", 1) + f"/ws/sessions/{args.session}"
    tasks = [asyncio.create_task(open_client(observer_ws + "?as=observer", {"Origin": observer_url}, rec, limit))
             for rec in receivers]
    pending = set(tasks)
    while pending and time.monotonic() - started < args.connect_timeout:
        _, pending = await asyncio.wait(pending, timeout=10)
        print(f"  {len(tasks) - len(pending)}/{len(tasks)} sockets open after {time.monotonic() - started:.0f} s",
              file=sys.stderr, flush=True)
    for task in pending:
        task.cancel()
    results = [t.result() if t.done() and not t.cancelled() and t.exception() is None else RuntimeError("no socket")
               for t in tasks]
    sockets = [r for r in results if not isinstance(r, BaseException)]
    connect_s = round(time.monotonic() - started, 1)
    print("CONNECTED", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    total = int(args.rate * args.seconds)
    import resource
    usage0, busy0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    if host is not None:
        t0 = time.monotonic()
        for n in range(total):
            delay = t0 + n / args.rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            head = f"{n}|{time.monotonic_ns()}|"
            await host.send(json.dumps({"type": "say", "cid": f"b{n}", "text": head + "x" * (args.size - len(head))}))
    live = [rec for rec, r in zip(receivers, results) if not isinstance(r, BaseException)]
    await drain(live, total, args.seconds)
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu_s = usage1.ru_utime + usage1.ru_stime - usage0.ru_utime - usage0.ru_stime
    lost = sum(1 for rec in live for n in range(total) if n not in rec.seen)
    duplicated = sum(count - 1 for rec in live for count in rec.seen.values() if count > 1)
    print(json.dumps({"connected": len(sockets), "connect_s": connect_s, "sent": total, "cpu_s": cpu_s,
                      "busy_s": time.monotonic() - busy0,
                      "latencies": [round(x, 2) for rec in live for x in rec.latencies],
                      "lost": lost, "duplicated": duplicated}), flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()
