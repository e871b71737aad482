"""Real processes for scale-out tests and benchmarks: gunicorn web processes, a redis-server of our own, PostgreSQL.

    cluster.web["a"].url      # http://127.0.0.1:<port>, one gevent gunicorn per web process
    cluster.redis.kill()      # kill -9 the redis-server this test run started (its own port), .start() again
    Client(url).youth()       # an HTTP client with cookies (csrf, login, device); .socket(session_id) opens a WS

Needs TEST_DATABASE_URL (PostgreSQL) and Debian's redis-server; skipped with the reason otherwise,
failing instead when REQUIRE_SERVICES=1. Servers bind 127.0.0.1 on free ports in 18500-18899, a slice of
them per pytest-xdist worker (TUTTU_TEST_PORTS=first-last changes the range).
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.support import port_range, service_unavailable, sibling_database

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "scale test password 123"
HOST_EMAIL = "host@scale.tuttu.fi"


def free_port():
    first, last = port_range()
    for port in range(first, last + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        if port not in free_port.taken:
            free_port.taken.add(port)
            return port
    raise RuntimeError("no free port in the test range")


free_port.taken = set()


def wait_for(predicate, seconds=5.0, every=0.05):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()


# --- services ----------------------------------------------------------------------------------------

def postgres_url():
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgres"):          # the SQLite run: these belong to the PostgreSQL run
        import pytest
        pytest.skip("scale-out with several processes runs on PostgreSQL: set TEST_DATABASE_URL=postgresql://...")
    try:
        import psycopg2
        psycopg2.connect(url, connect_timeout=2).close()
    except Exception as exc:
        service_unavailable(f"PostgreSQL is not reachable at {url}: {exc}")
    return url


def second_database(url):
    """Another database on the same server (a second deployment): <name>_b, created when missing."""
    return sibling_database(url, "_b")


def fresh_schema(url):
    import psycopg2
    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    connection.close()


class RedisServer:
    """A redis-server of this test run on its own port: no persistence, killed with -9 on demand."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            service_unavailable("scale-out tests need Debian's redis-server on PATH (apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--loglevel", "warning"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        if not wait_for(lambda: _pings(client), 5):
            raise RuntimeError("redis-server did not start")
        return self

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def client(self):
        import redis
        return redis.Redis.from_url(self.url)


def _pings(client):
    try:
        return client.ping()
    except Exception:
        return False


# --- Tuttu processes ---------------------------------------------------------------------------------

class Deployment:
    """One Tuttu deployment: a database, a shared secret and prefix, and its web processes."""

    def __init__(self, tmp, database_url, redis_url, name):
        self.tmp, self.name = Path(tmp) / name, name
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                    "SECRET_KEY": f"scale-test-secret-{name}-0123456789", "TUTTU_INSTANCE_PATH": str(self.tmp),
                    "TUTTU_RATELIMIT": "1", "PYTHONUNBUFFERED": "1"}
        for key in ("TUTTU_TASKS_IMMEDIATE", "TUTTU_REDIS_PREFIX", "TUTTU_METRICS_TOKEN"):
            self.env.pop(key, None)
        (self.tmp / "metrics").mkdir(exist_ok=True)
        self.env["PROMETHEUS_MULTIPROC_DIR"] = str(self.tmp / "metrics")      # one /metrics for all processes
        self.web = {}

    def seed(self):
        """Schema, a verified host and a chat open now in open mode; returns the session id."""
        code = (
            "from datetime import timedelta\n"
            "from backend import create_app\n"
            "from backend.models import ChatSession, Staff, utcnow\n"
            "app = create_app()\n"
            "with app.app_context():\n"
            f"    Staff.register({HOST_EMAIL!r}, 'Scale Host', 'youth_worker', {PASSWORD!r}, verified_by=True)\n"
            "    now = utcnow()\n"
            "    s = ChatSession.create(title='Scale', starts_at=now - timedelta(minutes=1),\n"
            "                           ends_at=now + timedelta(hours=2), moderation='open')\n"
            "    print(s.id)\n")
        out = subprocess.run([sys.executable, "-c", code], env=self.env, cwd=ROOT, capture_output=True, text=True,
                             timeout=60)
        if out.returncode:
            raise RuntimeError(out.stderr[-2000:])
        self.session_id = int(out.stdout.strip().splitlines()[-1])
        return self.session_id

    def start_web(self, name):
        web = WebProcess(self, name)
        self.web[name] = web
        return web

    def stop(self):
        for web in self.web.values():
            web.stop()


class WebProcess:
    """The Procfile's web line (gunicorn, gevent, one worker) on a loopback port of the test range."""

    def __init__(self, deployment, name):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(deployment.tmp / f"web-{name}.log", "w")
        env = {**deployment.env, "TUTTU_PUBLIC_URL": self.url}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--worker-class", "gevent", "--workers", "1",
             "--worker-connections", "10000", "--timeout", "0", "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "app:app"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, seconds=30):
        import requests
        def up():
            if self.process.poll() is not None:
                raise RuntimeError(f"web process exited; see {self.log.name}")
            try:
                return requests.get(self.url + "/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False
        if not wait_for(up, seconds, 0.2):
            raise RuntimeError(f"web process not healthy; see {self.log.name}")
        return self

    def healthz(self):
        import requests
        response = requests.get(self.url + "/healthz", timeout=3)
        return response.status_code, response.json()

    def kill9(self):
        """kill -9 of the whole process (gunicorn master and its worker)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill9()
        self.log.close()


# --- clients -----------------------------------------------------------------------------------------

class Client:
    """A browser: cookies (login, device), the CSRF token, and sockets to any web process."""

    def __init__(self, url):
        import requests
        self.url, self.http = url, requests.Session()
        self.token = self.http.get(url + "/api/csrf", timeout=5).json()["csrf_token"]

    def post(self, path, body=None, url=None):
        return self.http.post((url or self.url) + path, json=body or {}, headers={"X-CSRF-Token": self.token},
                              timeout=5)

    def as_host(self):
        self.post("/api/auth/login", {"email": HOST_EMAIL, "password": PASSWORD}).raise_for_status()
        return self

    def as_youth(self, session_id):
        self.http.get(f"{self.url}/api/sessions/{session_id}", timeout=5)       # the device cookie
        response = self.post("/api/youth")
        assert response.status_code == 201, response.text
        self.handle = response.json().get("handle")
        return self

    def cookie(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)

    def socket(self, web_url, session_id, role="observer", since=0):
        return Socket(web_url, session_id, self.cookie() if role != "observer" else "", role, since)


class Socket:
    """A WebSocket with a reader thread: frames in arrival order, close code when it closes."""

    def __init__(self, web_url, session_id, cookie, role, since=0):
        import websocket
        self.frames, self.close_code = [], None
        url = web_url.replace("http", "ws", 1) + f"/ws/sessions/{session_id}?as={role}&since={since}"
        self.ws = websocket.create_connection(url, origin=web_url, cookie=cookie or None, timeout=10)
        self.ws.settimeout(None)                     # a quiet chat is no error: read until it closes
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        assert wait_for(lambda: self.of("caught_up") or self.close_code is not None, 10), "no caught_up"

    def _read(self):
        import websocket
        while True:
            try:
                opcode, data = self.ws.recv_data()
            except (websocket.WebSocketException, OSError):
                self.close_code = self.close_code or 1006
                return
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                self.close_code = int.from_bytes(data[:2], "big") if len(data) >= 2 else 1005
                return
            if opcode == websocket.ABNF.OPCODE_TEXT:
                frame = json.loads(data)
                frame["_at"] = time.time()
                self.frames.append(frame)

    def send(self, type_, **fields):
        self.ws.send(json.dumps({"type": type_, **fields}))

    def of(self, type_):
        return [f for f in list(self.frames) if f.get("type") == type_]

    def seqs(self):
        return [f["seq"] for f in self.of("message")]

    def ack(self, cid, seconds=5):
        found = []
        wait_for(lambda: found.extend(f for f in list(self.frames)
                                      if f.get("cid") == cid and f.get("type") in ("ack", "error")) or found, seconds)
        return found[0] if found else None

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass
