"""Helpers for chat tests: people in a session without sockets (the hub is plain Python)."""
import json

from backend.chat import actions, dispatch
from backend.chat.hub import Connection, hub


class Peer:
    """Someone in a session: frames they received, and how their socket was closed."""

    def __init__(self, session_id, role, youth=None, staff=None, since=0, staff_since=0, device=None, the_hub=None):
        self.session_id, self.frames, self.close_code = session_id, [], None
        self.conn = Connection(lambda text: self.frames.append(json.loads(text)), self._closed, role, youth=youth,
                               staff=staff, device=device, since=since, staff_since=staff_since)

    def _closed(self, code, reason):
        self.close_code = code

    def join(self):
        assert actions.join(self.session_id, self.conn) is not False or self.close_code
        return self

    def send(self, type, **fields):
        start = len(self.frames)
        dispatch.handle(self.conn, self.session_id, {"type": type, **fields})
        new = self.frames[start:]
        replies = [f for f in new if f["type"] in ("ack", "error", "pong")]
        return replies[0] if replies else (new[-1] if new else None)

    def of(self, kind):
        return [f for f in self.frames if f["type"] == kind]

    def seqs(self):
        return [f["seq"] for f in self.frames if f["type"] in ("message", "answer")]

    def last(self, kind):
        found = self.of(kind)
        return found[-1] if found else None

    def leave(self):
        hub.remove(self.conn)


def reset_hub(broker=None):
    """No rooms (each new app starts with fresh rate limits). `broker` makes the hub's delivery synchronous
    (LocalBroker) for hub tests, which also tick it themselves: no presence ticker runs beside them (a tick
    between two lines of a test would write peaks or send presence frames the test did not ask for)."""
    hub.reset()                        # no rooms, no ticker
    hub._broker = broker
    hub.ticking = broker is None
