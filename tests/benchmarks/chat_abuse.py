"""Chat abuse: what one abusive client costs everybody else.

    .venv/bin/python tests/benchmarks/chat_abuse.py --clients 2000 --phase 10 --port 18420

One gunicorn gevent worker (fresh SQLite, or $BENCH_DATABASE_URL; Redis broker with $BENCH_REDIS_URL).
`--clients` observers stay connected throughout (from many loopback addresses) while a host sends 5
messages a second; a probe participant pings every 250 ms and a probe calls the REST API every 250 ms.
Then, one phase at a time, `--phase` seconds each:
  baseline         nobody abuses
  flood-youth      one participant sends say/metoo/ping/invalid frames as fast as it can
  flood-observer   one observer sends report/ping/invalid frames as fast as it can
  never-read       50 sockets that never read (tiny receive buffers) while the host sends 500-character messages
  one-address      `--same-address` sockets open at once from one address (the cap is TUTTU_CHAT_SOCKETS_PER_ADDRESS)
For each phase: the other clients' message latency p50/p99, the probe's ping round trip and REST
p50/p99, the worker's RSS, and what happened to the abuser. Not a test: run it by hand.
"""
import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chat_fanout import cpu_seconds, login_cookie, rss_kib, worker_pid  # noqa: E402
from chat_storm import address, quantiles, stamp, start_server, stop_server, tell  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PHASES = ("baseline", "flood-youth", "flood-observer", "never-read", "one-address")


def youth_cookie(url):
    import requests
    http = requests.Session()
    token = http.get(url + "/api/csrf").json()["csrf_token"]
    http.post(url + "/api/youth", headers={"X-CSRF-Token": token}).raise_for_status()
    return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def spawn(mode, url, session_id, args, cookie=""):
    return subprocess.Popen([sys.executable, __file__, "--load", mode, "--url", url, "--session", str(session_id),
                             "--clients", str(args.clients), "--cookie", cookie, "--phase", str(args.phase),
                             "--same-address", str(args.same_address)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)


def run(args):
    server, url, session_id = start_server(args)
    rows = []
    try:
        worker = worker_pid(server.pid)
        host_cookie = login_cookie(url)
        crowd = spawn("crowd", url, session_id, args, cookie=host_cookie + "\t" + youth_cookie(url))
        assert crowd.stdout.readline().strip() == "READY"
        watchers = [spawn("watch", url, session_id, args, cookie=str(i)) for i in range(1, args.procs)]
        for proc in watchers:
            assert proc.stdout.readline().strip() == "READY"
        tell(crowd, "SEND")
        time.sleep(3)
        for phase in args.phases.split(","):
            rss0, cpu0 = rss_kib(worker), cpu_seconds(worker)
            start_ns = time.monotonic_ns()
            tell(crowd, "BIG" if phase == "never-read" else "SMALL")
            abuser = None if phase == "baseline" else spawn(phase, url, session_id, args, cookie=youth_cookie(url))
            time.sleep(args.phase)
            outcome = {}
            if abuser:
                tell(abuser, "REPORT")
                outcome = json.loads(abuser.stdout.readline())
                tell(abuser, "QUIT")
                abuser.wait(timeout=60)
            end_ns = time.monotonic_ns()
            rss1, cpu1 = rss_kib(worker), cpu_seconds(worker)
            tell(crowd, "SMALL")
            time.sleep(3)                                     # let the room settle between phases
            for proc in [crowd] + watchers:
                tell(proc, f"REPORT {start_ns} {end_ns}")
            parts = [json.loads(proc.stdout.readline()) for proc in [crowd] + watchers]
            measured = {**{k: v for k, v in parts[0].items() if k != "latencies"},
                        "messages": quantiles([ms for p in parts for ms in p["latencies"]]),
                        "lost": sum(p["lost"] for p in parts)}
            rows.append({"phase": phase, **measured, "rss_mib": round(rss1 / 1024, 1),
                         "rss_growth_mib": round((rss1 - rss0) / 1024, 1),
                         "cpu_pct": round((cpu1 - cpu0) * 1e11 / (end_ns - start_ns), 0), "abuser": outcome})
        for proc in [crowd] + watchers:
            tell(proc, "QUIT")
            proc.wait(timeout=60)
    finally:
        stop_server(server)
    return rows


def print_table(rows, args):
    db = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    broker = "Redis" if os.environ.get("BENCH_REDIS_URL") else "in-process"
    print(f"\nchat abuse: {args.clients} observers + a probe participant, host 5 msg/s, {args.phase} s per phase; "
          f"{db}, {broker} broker; one gunicorn gevent worker")
    head = ("phase", "msg p50", "msg p99", "p99 +", "ping p50", "ping p99", "REST p99", "lost", "worker CPU %",
            "RSS MiB", "RSS +MiB", "abuser")
    print(" | ".join(head))
    base = next((r for r in rows if r["phase"] == "baseline"), None)
    for r in rows:
        grow = round(r["messages"]["p99"] - base["messages"]["p99"], 1) if base and r["messages"]["p99"] and \
            base["messages"]["p99"] else ""
        cells = (r["phase"], r["messages"]["p50"], r["messages"]["p99"], grow, r["ping"]["p50"], r["ping"]["p99"],
                 r["rest"]["p99"], r["lost"], r["cpu_pct"], r["rss_mib"], r["rss_growth_mib"],
                 ", ".join(f"{k}={v}" for k, v in r["abuser"].items()))
        print(" | ".join(str(c) for c in cells))
    print("  load: " + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--phase", type=float, default=10.0)
    parser.add_argument("--phases", default=",".join(PHASES))
    parser.add_argument("--same-address", type=int, default=1000)
    parser.add_argument("--port", type=int, default=18420)
    parser.add_argument("--procs", type=int, default=3, help="processes holding the observers")
    parser.add_argument("--load", choices=("crowd", "watch") + PHASES[1:])
    parser.add_argument("--url")
    parser.add_argument("--session", type=int)
    parser.add_argument("--cookie", default="")
    args = parser.parse_args()
    if args.load:
        return asyncio.run(LOADS[args.load](args))
    rows = run(args)
    print_table(rows, args)
    print(json.dumps(rows), file=sys.stderr)


# --- load processes --------------------------------------------------------------------------------

def ws_url(args, query=""):
    return args.url.replace("http", "ws", 1) + f"/ws/sessions/{args.session}" + query


async def connect(args, query="?as=observer", cookie=None, local=None, **kw):
    from websockets.asyncio.client import connect as ws_connect
    headers = {"Cookie": cookie} if cookie else {}
    return await ws_connect(ws_url(args, query), origin=args.url, additional_headers=headers, compression=None,
                            ping_interval=None, max_queue=None, open_timeout=120, max_size=2**20,
                            local_addr=(local, 0) if local else None, **kw)


async def lines():
    loop = asyncio.get_running_loop()
    while True:
        yield (await loop.run_in_executor(None, sys.stdin.readline)).strip()


def my_share(args, part):
    per = -(-args.clients // args.procs)
    return range(part * per, min(args.clients, (part + 1) * per))


async def watch(args):
    """More of the room's observers, in a process of their own."""
    received, seen = [], {}
    await join_observers(args, my_share(args, int(args.cookie)), received, seen)
    print("READY", flush=True)
    async for line in lines():
        if line.startswith("REPORT"):
            print(json.dumps(window_report(line, received, seen, None)), flush=True)
        elif line in ("QUIT", ""):
            break
    os._exit(0)


def window_report(line, received, seen, sent_numbers=None):
    """Latencies of messages sent in the window, and how many of them some observer did not get."""
    _, start, end = line.split()
    start, end = int(start), int(end)
    inside = [(ms, n) for sent, ms, n in received if start <= sent < end]
    numbers = {n for n, t in sent_numbers.items() if start <= t < end} if sent_numbers else {n for _, n in inside}
    lost = sum(1 for got in seen.values() for n in numbers if n not in got)
    return {"latencies": [ms for ms, _ in inside], "lost": lost}


async def join_observers(args, indexes, received, seen):
    async def keep_alive(ws, i):
        await asyncio.sleep(5 + i % 20)
        while True:
            await ws.send('{"type":"ping"}')          # as the PWA does (a silent socket is closed after 60 s)
            await asyncio.sleep(20)

    async def observe(i):
        ws = await connect(args, local=address(1, i))
        seen[i] = set()
        asyncio.create_task(keep_alive(ws, i))
        async for raw in ws:
            if raw.startswith('{"type":"message"'):
                try:
                    number, sent_ns = stamp(raw)
                except ValueError:
                    continue                    # the flooding participant's few published messages
                received.append((int(sent_ns), (time.monotonic_ns() - int(sent_ns)) / 1e6, int(number)))
                seen[i].add(int(number))

    limit = asyncio.Semaphore(100)              # the crowd itself joins politely

    async def polite(i):
        async with limit:
            return asyncio.create_task(observe(i))
    await asyncio.gather(*(polite(i) for i in indexes))


async def crowd(args):
    """The room: observers, the host sending, a probe participant pinging, a probe calling REST."""
    host_cookie, youth = args.cookie.split("\t")
    host = await connect(args, "", cookie=host_cookie)
    received, seen = [], {}                     # (sent ns, ms, number) for every observer and message
    pings, rests = [], []

    await join_observers(args, my_share(args, 0), received, seen)
    probe = await connect(args, "", cookie=youth)
    pongs = asyncio.Queue()

    async def probe_reader():
        async for raw in probe:
            if raw.startswith('{"type":"pong"'):
                await pongs.put(time.monotonic_ns())

    async def pinger():
        while True:
            sent = time.monotonic_ns()
            await probe.send('{"type":"ping"}')
            try:
                got = await asyncio.wait_for(pongs.get(), 60)
                pings.append((sent, (got - sent) / 1e6))
            except asyncio.TimeoutError:
                pings.append((sent, 60000.0))
            await asyncio.sleep(0.25)              # within the frame budget of an ordinary socket

    async def rest():
        loop = asyncio.get_running_loop()
        while True:
            sent = time.monotonic_ns()
            await loop.run_in_executor(None, lambda: urllib.request.urlopen(
                args.url + f"/api/sessions/{args.session}", timeout=60).read())
            rests.append((sent, (time.monotonic_ns() - sent) / 1e6))
            await asyncio.sleep(0.25)
    tasks = [asyncio.create_task(probe_reader()), asyncio.create_task(pinger()), asyncio.create_task(rest())]
    await asyncio.sleep(2)
    print("READY", flush=True)
    size, sent_numbers = [200], {}

    async def send_forever():
        n, t0 = 0, time.monotonic()
        while True:
            delay = t0 + n / 5 - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            now = time.monotonic_ns()
            head = f"{n}|{now}|"
            sent_numbers[n] = now
            await host.send(json.dumps({"type": "say", "cid": f"b{n}", "text": head + "x" * (size[0] - len(head))}))
            n += 1
    async for line in lines():
        if line == "SEND":
            tasks.append(asyncio.create_task(send_forever()))
        elif line == "BIG":
            size[0] = 500                       # the longest message there is
        elif line == "SMALL":
            size[0] = 200
        elif line.startswith("REPORT"):
            _, start, end = (int(x) if x.isdigit() else x for x in line.split())
            print(json.dumps({**window_report(line, received, seen, sent_numbers),
                              "ping": quantiles([ms for sent, ms in pings if start <= sent < end]),
                              "rest": quantiles([ms for sent, ms in rests if start <= sent < end])}), flush=True)
        elif line in ("QUIT", ""):
            break
    os._exit(0)


async def until_report(state):
    async for line in lines():
        if line == "REPORT":
            print(json.dumps(state), flush=True)
        elif line in ("QUIT", ""):
            break
    os._exit(0)


async def flood(args, query, cookie, frames):
    """Send `frames` round-robin as fast as the socket takes them; note how it ends."""
    state = {"sent": 0, "closed": None, "closed_after_s": None}

    async def go():
        ws = await connect(args, query, cookie=cookie)
        started = time.monotonic()

        async def drain():
            try:
                async for _ in ws:
                    pass
            except Exception:
                pass
        asyncio.create_task(drain())
        try:
            while True:
                await ws.send(frames[state["sent"] % len(frames)])
                state["sent"] += 1
                if state["sent"] % 50 == 0:
                    await asyncio.sleep(0)
        except Exception:
            await asyncio.sleep(0.5)
            state["closed"] = ws.close_code
            state["closed_after_s"] = round(time.monotonic() - started, 2)
    asyncio.create_task(go())
    await until_report(state)


async def flood_youth(args):
    frames = [json.dumps({"type": "say", "cid": f"f{i}", "text": "spam spam"}) for i in range(50)]
    frames += ['{"type":"metoo","seq":1}', '{"type":"ping"}', "{not json"]
    await flood(args, "?as=participant", args.cookie, frames)


async def flood_observer(args):
    frames = ['{"type":"report","seq":1,"reason":"spam"}', '{"type":"ping"}', "{not json"]
    await flood(args, "?as=observer", None, frames)


async def never_read(args):
    state = {"open": 0, "closed": {}}
    sockets = []
    for i in range(50):
        raw = socket.socket()
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        raw.bind((address(120, i), 0))
        host, port = args.url.split("//")[1].split(":")
        raw.connect((host, int(port)))
        raw.sendall((f"GET /ws/sessions/{args.session}?as=observer HTTP/1.1\r\nHost: {host}:{port}\r\n"
                     f"Origin: {args.url}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        sockets.append(raw)                         # and never read again
    state["open"] = len(sockets)
    await until_report(state)


async def one_address(args):
    state = {"accepted": 0, "refused": 0}

    async def one(i):
        try:
            ws = await connect(args, local="127.0.200.1")
        except Exception:
            state["refused"] += 1
            return
        state["accepted"] += 1
        try:
            async for _ in ws:
                pass
        except Exception:
            pass
    for i in range(args.same_address):
        asyncio.create_task(one(i))
    await until_report(state)


LOADS = {"crowd": crowd, "watch": watch, "flood-youth": flood_youth, "flood-observer": flood_observer, "never-read": never_read,
         "one-address": one_address}

if __name__ == "__main__":
    main()
