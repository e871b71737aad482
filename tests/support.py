"""What tests share besides fixtures: the staff password, the API client, services that may be missing."""
import os
import threading
from contextlib import contextmanager

import pytest

PASSWORD = "correct horse battery staple"


def require_services() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def service_unavailable(reason):
    """Skip with `reason`, or fail when CI requires the services."""
    if require_services():
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def port_range() -> tuple[int, int]:
    """The loopback ports the multi-process tests may bind (TUTTU_TEST_PORTS=first-last; each xdist worker has
    its own slice, tests/conftest.py)."""
    first, last = (int(p) for p in os.environ.get("TUTTU_TEST_PORTS", "18500-18899").split("-"))
    return first, last


def sibling_database(url: str, suffix: str) -> str:
    """The URL of database `<name><suffix>` on the same PostgreSQL server as `url`, created when missing."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg2
    parts = urlsplit(url)
    name = (parts.path.lstrip("/") or "test") + suffix
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def serving(app, backlog=None):
    """Serve `app` with Werkzeug's threaded server on 127.0.0.1:<free port>; yields the base URL. The server is
    shut down on exit; it polls for that every 50 ms (Werkzeug's default 0.5 s was most of a browser test's teardown)."""
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True)
    if backlog:
        server.socket.listen(backlog)       # a deeper accept queue, for a burst of simultaneous clients
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server",
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def redis_url():
    """The test Redis (TEST_REDIS_URL, or db 15 on localhost); skip, or fail under REQUIRE_SERVICES=1, if absent."""
    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        import redis
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as exc:
        service_unavailable(f"Redis is not reachable at {url}: {exc}")
    return url


class ApiClient:
    """A test client that speaks the API the way the PWA does (JSON + CSRF header)."""

    def __init__(self, flask_client):
        self.http = flask_client
        self._token = None

    def token(self):
        if self._token is None:
            self._token = self.http.get("/api/csrf").json["csrf_token"]
        return self._token

    def request(self, method, path, json=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            headers.setdefault("X-CSRF-Token", self.token())
        return self.http.open(path, method=method, json=json, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self.http.get(path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json, **kw)

    def put(self, path, json=None, **kw):
        return self.request("PUT", path, json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request("PATCH", path, json, **kw)

    def delete(self, path, json=None, **kw):
        return self.request("DELETE", path, json, **kw)

    def login(self, email, password=PASSWORD):
        response = self.post("/api/auth/login", {"email": email, "password": password})
        self._token = None       # the session was renewed
        return response

    def become_youth(self):
        response = self.post("/api/youth")
        assert response.status_code == 201, response.json
        self._token = None
        return response.json


def import_cycles(edges: dict, label=lambda node: node) -> list[list]:
    """Import cycles in a module graph {module: [modules it imports]}: every strongly connected component
    with more than one module, or a module importing itself (Tarjan's algorithm; the graphs are small)."""
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                cycles.append(sorted(label(m) for m in component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return cycles
