"""Chat fan-out through faults: Redis killed and restarted mid-session, then kill -9 of a web process.

    .venv/bin/python tests/benchmarks/chat_failover.py --sockets 400 --rate 5 --redis-down 0.2,5 --storm 200

Needs PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL; the database is emptied) and Debian's
redis-server. Starts a redis-server of its own and two web processes (the Procfile's gunicorn gevent
line) on loopback ports 18500-18599, N observer sockets split over both, and a host on process a
saying RATE messages a second of 200 bytes throughout.

1. For each --redis-down D: Redis is killed with -9, restarted D seconds later. Measured: time from
   Redis's return until every socket has every message acknowledged so far; lost and duplicated.
2. --storm M: M more sockets on process b, then kill -9 of b; each reconnects to a with since=<last seq>
   (as the app does). Measured: time from the kill until every one is connected again and until every
   one has every message acknowledged before the kill; lost and duplicated over the whole run.
Prints one table. Not a test: run it by hand (uptime shows the machine's load).
"""
import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.scale.cluster import Client, Deployment, RedisServer, fresh_schema  # noqa: E402


class Watcher:
    """One observer socket that reconnects (to `fallback`) with since=<last contiguous seq> when closed."""

    def __init__(self, url, session_id, fallback=None):
        self.url, self.session_id, self.fallback = url, session_id, fallback
        self.arrived, self.dup, self.out_of_order, self.upto, self.highest = {}, 0, 0, 0, 0
        self.connected_at, self.closed_at, self.reconnects, self.attempt = None, None, 0, 0
        self.ready = asyncio.Event()
        self.last_error = None

    def contiguous(self):
        """The highest seq up to which this socket has every message (what it sends back as since=)."""
        while self.upto + 1 in self.arrived:
            self.upto += 1
        return self.upto

    @staticmethod
    async def ping(ws):
        """As the app does: a ping every 15 s (the server closes a socket silent for 60 s)."""
        try:
            while True:
                await asyncio.sleep(15 + random.random())
                await ws.send('{"type":"ping"}')
        except Exception:
            return

    async def run(self):
        import websockets
        pinger = None
        while True:
            self.live_since = None
            ws_url = self.url.replace("http", "ws", 1) + f"/ws/sessions/{self.session_id}?as=observer&since={self.contiguous()}"
            try:
                async with websockets.connect(ws_url, origin=self.url, open_timeout=60, ping_interval=None,
                                              close_timeout=1, max_queue=None) as ws:
                    pinger = asyncio.create_task(self.ping(ws))
                    async for raw in ws:
                        frame = json.loads(raw)
                        kind = frame.get("type")
                        if kind == "caught_up":
                            self.connected_at = self.live_since = time.time()
                            self.ready.set()
                        elif kind == "message":
                            seq = frame["seq"]
                            if seq in self.arrived:
                                self.dup += 1
                            else:
                                if seq < self.highest:
                                    self.out_of_order += 1
                                self.highest = max(self.highest, seq)
                                self.arrived[seq] = time.time()
            except asyncio.CancelledError:
                return
            except Exception as exc:
                self.last_error = getattr(exc, "rcvd", None) and exc.rcvd.code or exc.__class__.__name__
            if pinger is not None:
                pinger.cancel()
            self.closed_at = time.time()
            if self.fallback is not None and self.url != self.fallback:
                self.url = self.fallback            # the load balancer sends it to the live process
            if self.live_since and self.closed_at - self.live_since >= 10:
                self.attempt = 0                    # as the app does: 1 s, 2 s, 4 s ... each +-50 %,
            self.reconnects += 1                    # reset by a connection that was live for 10 s
            await asyncio.sleep(min(30.0, 2 ** self.attempt) * random.uniform(0.5, 1.5))
            self.attempt += 1


class Host:
    """The host on process a, saying `rate` messages a second; remembers each acknowledged seq and when."""

    def __init__(self, url, session_id, cookie):
        self.url, self.session_id, self.cookie = url, session_id, cookie
        self.acked, self.errors, self.sending = {}, 0, True

    async def run(self, rate, size):
        import websockets
        ws_url = self.url.replace("http", "ws", 1) + f"/ws/sessions/{self.session_id}?as=staff"
        async with websockets.connect(ws_url, origin=self.url, additional_headers={"Cookie": self.cookie},
                                      ping_interval=None, max_queue=None) as ws:
            async def read():
                async for raw in ws:
                    frame = json.loads(raw)
                    if frame.get("type") == "ack" and frame.get("seq"):
                        self.acked[frame["seq"]] = time.time()
                    elif frame.get("type") == "error":
                        self.errors += 1
            reader = asyncio.create_task(read())
            n = 0
            while self.sending:
                n += 1
                await ws.send(json.dumps({"type": "say", "cid": f"b{n}", "text": f"{n:06d} " + "x" * (size - 7)}))
                await asyncio.sleep(1 / rate)
            await asyncio.sleep(1.0)
            reader.cancel()


def everyone_has(watchers, seqs):
    """Every socket has every one of `seqs` (the host's messages: seqs 1..n, so the highest tells)."""
    last = max(seqs, default=0)
    return all(w.contiguous() >= last for w in watchers)


async def wait_until(predicate, seconds, every=0.05):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return time.time()
        await asyncio.sleep(every)
    return None


async def connect_all(watchers, batch=100):
    tasks = [asyncio.create_task(w.run()) for w in watchers]
    for i in range(0, len(watchers), batch):
        await asyncio.wait_for(asyncio.gather(*(w.ready.wait() for w in watchers[i:i + batch])), 120)
    return tasks


async def bench(args):
    database = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not (database or "").startswith("postgres"):
        sys.exit("set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL database it may empty")
    redis = RedisServer().start()
    fresh_schema(database)
    deployment = Deployment(tempfile.mkdtemp(prefix="chat-failover-"), database, redis.url, "bench")
    # every socket comes from 127.0.0.1 here: lift the per-address caps and join pacing meant for one browser
    deployment.env.update(TUTTU_RATELIMIT="0", TUTTU_CHAT_SOCKETS_PER_ADDRESS="100000",
                          TUTTU_CHAT_JOIN_BURST="100000", TUTTU_CHAT_JOINS_PER_SECOND="100000")
    deployment.seed()
    rows = []
    try:
        a, b = deployment.start_web("a"), deployment.start_web("b")
        a.wait_ready(), b.wait_ready()
        sid = deployment.session_id
        cookie = await asyncio.to_thread(lambda: Client(a.url).as_host().cookie())
        watchers = [Watcher((a.url, b.url)[i % 2], sid) for i in range(args.sockets)]
        started = time.time()
        tasks = await connect_all(watchers)
        print(f"{len(watchers)} sockets connected in {time.time() - started:.1f} s", flush=True)
        host = Host(a.url, sid, cookie)
        sender = asyncio.create_task(host.run(args.rate, args.size))
        await asyncio.sleep(2.0)

        for down in args.redis_down:
            await asyncio.to_thread(redis.kill)
            await asyncio.sleep(down)
            await asyncio.to_thread(redis.start)
            back = time.time()
            await asyncio.sleep(0.05)
            target = [s for s, t in host.acked.items() if t <= time.time()]
            done = await wait_until(lambda target=target: everyone_has(watchers, target), 30)
            if not done and os.environ.get("BENCH_DEBUG"):
                for w in watchers:
                    print(w.url, sorted(set(target) - set(w.arrived)), file=sys.stderr)
            rows.append({"what": f"Redis down {down:g} s", "sockets": len(watchers),
                         "caught up s": round(done - back, 2) if done else "> 30",
                         "msgs": len(target)})
            await asyncio.sleep(2.0)

        if args.storm:
            storm = [Watcher(b.url, sid, fallback=a.url) for _ in range(args.storm)]
            tasks += await connect_all(storm)
            await asyncio.sleep(1.0)
            await asyncio.to_thread(b.kill9)
            killed = time.time()
            before = [s for s, t in host.acked.items() if t <= killed]
            on_b = storm + [w for w in watchers if w.url == b.url]
            for w in on_b:
                w.fallback = a.url
            all_back = await wait_until(lambda: all(w.reconnects and w.connected_at and w.connected_at > killed
                                                    for w in on_b), 60)
            caught = await wait_until(lambda: everyone_has(on_b, before), 60)
            if os.environ.get("BENCH_DEBUG"):
                from collections import Counter
                print(Counter((w.last_error, w.reconnects, bool(w.connected_at and w.connected_at > killed))
                              for w in on_b), file=sys.stderr)
            rows.append({"what": "kill -9 of b", "sockets": len(on_b),
                         "reconnected s": round(all_back - killed, 2) if all_back else "> 60",
                         "caught up s": round(caught - killed, 2) if caught else "> 60", "msgs": len(before)})
            watchers += storm
        await asyncio.sleep(2.0)
        host.sending = False
        await sender
        everything = sorted(host.acked)
        await wait_until(lambda: everyone_has(watchers, everything), 10)
        lost = sum(1 for w in watchers for s in everything if s not in w.arrived and s > 0)
        dup = sum(w.dup for w in watchers)
        disorder = sum(w.out_of_order for w in watchers)
        for row in rows:
            row.update(lost=lost, dup=dup, out_of_order=disorder)
        for t in tasks:
            t.cancel()
        return rows, len(everything), host.errors
    finally:
        deployment.stop()
        redis.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=400, help="observer sockets split over both processes")
    parser.add_argument("--rate", type=float, default=5.0, help="host messages per second")
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--redis-down", default="0.2,5", help="seconds Redis stays down, comma-separated")
    parser.add_argument("--storm", type=int, default=200, help="sockets on b reconnecting after its kill -9")
    args = parser.parse_args()
    args.redis_down = [float(x) for x in args.redis_down.split(",") if x]
    rows, sent, errors = asyncio.run(bench(args))
    load = os.getloadavg()
    print(f"\nchat through faults: 2 gunicorn gevent processes, {args.sockets} observers split over both, host on a "
          f"at {args.rate:g} msg/s of {args.size} B; {sent} messages acknowledged, {errors} errors; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    head = ("what", "sockets", "msgs", "reconnected s", "caught up s", "lost", "dup", "out_of_order")
    print(" | ".join(f"{h:>14}" for h in head))
    for row in rows:
        print(" | ".join(f"{row.get(h, '-')!s:>14}" for h in head))


if __name__ == "__main__":
    main()
