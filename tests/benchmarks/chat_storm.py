"""Chat join storm: N observers open their sockets at once (no pacing) while a host sends M messages a second.

    .venv/bin/python tests/benchmarks/chat_storm.py --clients 2000 --rate 5 --port 18410
    BENCH_DATABASE_URL=postgresql://... BENCH_REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python tests/benchmarks/chat_storm.py

One gunicorn gevent worker serves the app (fresh SQLite database, or $BENCH_DATABASE_URL; Redis broker
with $BENCH_REDIS_URL). A sender process logs in a host, keeps `--steady` observers connected, and sends
messages of 200 bytes at `--rate`. After a few seconds `--procs` storm processes open `--clients`
observer sockets between them, all at once, from many loopback addresses (phones come from many
addresses; the per-address cap is not what this measures). Reported: server CPU per join (the
worker's CPU during the storm minus what the messages cost before it), time from the first connect
until every observer has `caught_up`, delivery latency (send to receive, same machine clock) of
messages sent during the storm and after it, lost/duplicated live messages, and the worker's RSS per
socket right after the storm and 30 s later. Not a test: run it by hand. Prints one table and `uptime`.
"""
import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chat_fanout import cpu_seconds, login_cookie, rss_kib, seed, wait_healthy, worker_pid  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def server_command(port, clients):
    return [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "--timeout", "0",
            "--backlog", "8192", "--keep-alive", "30", "--log-level", "warning", "--worker-class", "gevent",
            "--worker-connections", str(clients + 2000), "app:app"]


def quantiles(values):
    values = sorted(values)
    if len(values) < 2:
        return {"n": len(values), "p50": None, "p99": None, "max": values[-1] if values else None}
    q = statistics.quantiles(values, n=100)
    return {"n": len(values), "p50": round(q[49], 1), "p99": round(q[98], 1), "max": round(values[-1], 1)}


def start_server(args, extra_env=None):
    tmp = tempfile.mkdtemp(prefix="chatstorm-")
    url = f"http://127.0.0.1:{args.port}"
    env = {**os.environ, "TUTTU_INSTANCE_PATH": tmp, "TUTTU_PUBLIC_URL": url, "TUTTU_RATELIMIT": "0",
           "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.db"), **(extra_env or {})}
    env.pop("REDIS_URL", None)
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    session_id = seed(env)
    server = subprocess.Popen(server_command(args.port, args.clients + 1500), cwd=ROOT, env=env,
                              start_new_session=True)
    wait_healthy(url)
    return server, url, session_id


def stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def spawn(role, url, session_id, clients, args, cookie="", first_address=1):
    return subprocess.Popen([sys.executable, __file__, "--load", role, "--url", url, "--session", str(session_id),
                             "--clients", str(clients), "--rate", str(args.rate), "--cookie", cookie,
                             "--first-address", str(first_address)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)


def tell(proc, line):
    proc.stdin.write(line + "\n")
    proc.stdin.flush()


def run(args):
    server, url, session_id = start_server(args)
    try:
        worker = worker_pid(server.pid)
        cookie = login_cookie(url)
        sender = spawn("sender", url, session_id, args.steady, args, cookie=cookie, first_address=250)
        assert sender.stdout.readline().strip() == "READY"
        per = -(-args.clients // args.procs)
        storms = [spawn("storm", url, session_id, per, args, first_address=1 + i * 50) for i in range(args.procs)]
        for proc in storms:
            assert proc.stdout.readline().strip() == "READY"
        time.sleep(1.0)
        tell(sender, "SEND")
        time.sleep(3.0)
        rss0, cpu_a, t_a = rss_kib(worker), cpu_seconds(worker), time.monotonic()
        time.sleep(2.0)
        base_cpu_per_s = (cpu_seconds(worker) - cpu_a) / (time.monotonic() - t_a)
        rss0 = rss_kib(worker)
        cpu0, storm_ns = cpu_seconds(worker), time.monotonic_ns()
        for proc in storms:
            tell(proc, "GO")
        loads_cpu0 = sum(cpu_seconds(proc.pid) for proc in storms + [sender])
        done = [json.loads(proc.stdout.readline()) for proc in storms]        # each: all caught up (or gave up)
        storm_s = (time.monotonic_ns() - storm_ns) / 1e9
        loads_cpu = sum(cpu_seconds(proc.pid) for proc in storms + [sender]) - loads_cpu0
        cpu1, rss1, caught_ns = cpu_seconds(worker), rss_kib(worker), time.monotonic_ns()
        time.sleep(args.after)
        full_cpu_per_s = (cpu_seconds(worker) - cpu1) / ((time.monotonic_ns() - caught_ns) / 1e9)   # fan-out to all
        tell(sender, "STOP")
        time.sleep(2.0)
        for proc in storms + [sender]:
            tell(proc, "REPORT")
        reports = [json.loads(proc.stdout.readline()) for proc in storms + [sender]]
        time.sleep(max(0.0, 30 - args.after - 2))
        rss30 = rss_kib(worker)
        for proc in storms + [sender]:
            tell(proc, "QUIT")
            proc.wait(timeout=60)
    finally:
        stop_server(server)
    connected = sum(d["caught_up"] for d in done)
    join_cpu = max(0.0, (cpu1 - cpu0) - base_cpu_per_s * storm_s)
    # The live messages reach the newcomers during the storm too; with sockets arriving at a steady pace, that
    # fan-out costs about half of what it costs once everyone is in (measured after the storm).
    fanout_during = (full_cpu_per_s - base_cpu_per_s) / 2 * storm_s
    during, after, steady_during, steady_after = [], [], [], []
    for report in reports:
        for sent_ns, latency in report["latencies"]:
            bucket = (during, after) if report["role"] == "storm" else (steady_during, steady_after)
            if storm_ns <= sent_ns < caught_ns:
                bucket[0].append(latency)
            elif sent_ns >= caught_ns:
                bucket[1].append(latency)
    return {"clients": args.clients, "connected": connected,
            "failed": sum(d["failed"] for d in done),
            "all_caught_up_s": round(max(d["last_caught_up_s"] for d in done), 2),
            "cpu_ms_per_join": round(join_cpu * 1000 / max(1, connected), 2),
            "cpu_ms_per_join_net": round(max(0.0, join_cpu - fanout_during) * 1000 / max(1, connected), 2),
            "worker_cpu_pct": round((cpu1 - cpu0) * 100 / storm_s), "load_cpu_pct": round(loads_cpu * 100 / storm_s),
            "during": quantiles(during), "after": quantiles(after),
            "steady_during": quantiles(steady_during), "steady_after": quantiles(steady_after),
            "lost": sum(r["lost"] for r in reports), "dup": sum(r["duplicated"] for r in reports),
            "rss_before_mib": round(rss0 / 1024, 1),
            "kib_per_socket": round((rss1 - rss0) / max(1, connected), 1),
            "kib_per_socket_30s": round((rss30 - rss0) / max(1, connected), 1)}


def print_table(r, args):
    db = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    broker = "Redis" if os.environ.get("BENCH_REDIS_URL") else "in-process"
    print(f"\nchat join storm: {args.clients} observers at once ({args.procs} load processes) + {args.steady} steady "
          f"observers; host sends {args.rate} msg/s; {db}, {broker} broker; one gunicorn gevent worker")
    rows = [("observers connected / failed", f"{r['connected']} / {r['failed']}"),
            ("all caught up after (s)", r["all_caught_up_s"]),
            ("server CPU per join (ms)", r["cpu_ms_per_join"]),
            ("  less the live messages' fan-out to them (ms)", r["cpu_ms_per_join_net"]),
            ("during the storm: worker / load processes CPU %", f"{r['worker_cpu_pct']} / {r['load_cpu_pct']}"),
            ("storm: sent during storm p50 / p99 / max (ms)", fmt(r["during"])),
            ("storm: sent after storm p50 / p99 / max (ms)", fmt(r["after"])),
            ("steady: sent during storm p50 / p99 / max (ms)", fmt(r["steady_during"])),
            ("steady: sent after storm p50 / p99 / max (ms)", fmt(r["steady_after"])),
            ("live messages lost / duplicated", f"{r['lost']} / {r['dup']}"),
            ("worker RSS before storm (MiB)", r["rss_before_mib"]),
            ("RSS per socket right after storm (KiB)", r["kib_per_socket"]),
            ("RSS per socket 30 s later (KiB)", r["kib_per_socket_30s"])]
    for name, value in rows:
        print(f"  {name:<48} {value}")
    print("  load: " + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


def fmt(q):
    return f"{q['p50']} / {q['p99']} / {q['max']} (n={q['n']})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--steady", type=int, default=50, help="observers connected before the storm")
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--after", type=float, default=10.0, help="seconds of messages after the storm")
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--port", type=int, default=18410)
    parser.add_argument("--load", choices=("sender", "storm"))
    parser.add_argument("--url")
    parser.add_argument("--session", type=int)
    parser.add_argument("--cookie", default="")
    parser.add_argument("--first-address", type=int, default=1)
    args = parser.parse_args()
    if args.load:
        return asyncio.run(load_main(args))
    result = run(args)
    print_table(result, args)
    print(json.dumps(result), file=sys.stderr)


# --- load processes --------------------------------------------------------------------------------

class Observer:
    def __init__(self):
        self.connected_ns = None
        self.caught_up_ns = None
        self.seen = {}                # message number -> count
        self.latencies = []           # (sent ns, ms)


def address(first, n):
    """A loopback source address for socket n: 127.0.<first + n // 200>.<1..200> (200 sockets a /24)."""
    return f"127.0.{first + n // 200}.{n % 200 + 1}"


def stamp(raw):
    """(message number, sent ns) from a message frame, read without a JSON parse (the load must stay light)."""
    start = raw.index('"text":"') + 8
    number, sent_ns, _ = raw[start:start + 60].split("|", 2)
    return number, sent_ns


async def observe(ws_url, origin, obs, local):
    from websockets.asyncio.client import connect
    ws = await connect(ws_url, origin=origin, compression=None, ping_interval=None, max_queue=None,
                       open_timeout=120, local_addr=(local, 0), max_size=2**20)
    obs.connected_ns = time.monotonic_ns()

    async def keep_alive():
        while True:
            await asyncio.sleep(20)
            await ws.send('{"type":"ping"}')          # as the PWA does (a silent socket is closed after 60 s)
    obs.keep_alive = asyncio.create_task(keep_alive())
    try:
        async for raw in ws:
            if raw.startswith('{"type":"message"'):
                number, sent_ns = stamp(raw)
                now = time.monotonic_ns()
                obs.seen[int(number)] = obs.seen.get(int(number), 0) + 1
                if int(sent_ns) >= obs.connected_ns:
                    obs.latencies.append((int(sent_ns), round((now - int(sent_ns)) / 1e6, 2)))
            elif raw.startswith('{"type":"caught_up"'):
                obs.caught_up_ns = time.monotonic_ns()
    except Exception:
        pass
    return ws


async def lines():
    loop = asyncio.get_running_loop()
    while True:
        yield (await loop.run_in_executor(None, sys.stdin.readline)).strip()


async def load_main(args):
    ws_url = args.url.replace("http", "ws", 1) + f"/ws/sessions/{args.session}"
    observers = [Observer() for _ in range(args.clients)]
    sent = {}
    tasks = []

    def start(i, obs):
        return asyncio.create_task(observe(ws_url + "?as=observer", args.url, obs, address(args.first_address, i)))

    host = None
    if args.load == "sender":
        from websockets.asyncio.client import connect
        host = await connect(ws_url, origin=args.url, additional_headers={"Cookie": args.cookie}, compression=None,
                             ping_interval=None, max_queue=None)
        tasks = [start(i, obs) for i, obs in enumerate(observers)]
        while any(o.caught_up_ns is None for o in observers):
            await asyncio.sleep(0.1)
    print("READY", flush=True)
    sender_task = None
    async for line in lines():
        if line == "SEND":
            async def send_forever():
                n, t0 = 0, time.monotonic()
                while True:
                    delay = t0 + n / args.rate - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    head = f"{n}|{time.monotonic_ns()}|"
                    sent[n] = True
                    await host.send(json.dumps({"type": "say", "cid": f"b{n}", "text": head + "x" * (200 - len(head))}))
                    n += 1
            sender_task = asyncio.create_task(send_forever())
        elif line == "STOP" and sender_task:
            sender_task.cancel()
        elif line == "GO":
            started = time.monotonic_ns()
            tasks = [start(i, obs) for i, obs in enumerate(observers)]
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and any(o.caught_up_ns is None and not t.done()
                                                      for o, t in zip(observers, tasks, strict=True)):
                await asyncio.sleep(0.05)
            ok = [o for o in observers if o.caught_up_ns]
            last = max((o.caught_up_ns for o in ok), default=started)
            print(json.dumps({"caught_up": len(ok), "failed": len(observers) - len(ok),
                              "last_caught_up_s": (last - started) / 1e9}), flush=True)
        elif line == "REPORT":
            total = max((max(o.seen) for o in observers if o.seen), default=-1) + 1
            live = [o for o in observers if o.caught_up_ns]
            lost = sum(1 for o in live for n in range(total) if n not in o.seen)
            duplicated = sum(c - 1 for o in live for c in o.seen.values() if c > 1)
            print(json.dumps({"role": args.load, "lost": lost, "duplicated": duplicated,
                              "latencies": [x for o in live for x in o.latencies]}), flush=True)
        elif line in ("QUIT", ""):
            break
    os._exit(0)


if __name__ == "__main__":
    main()
