"""The chat hub, plain Python: rooms of connections, ordered exactly-once delivery, presence, fan-out.

Everything goes through the broker (channel "chat:<session id>"), also within one process, so two web
processes with REDIS_URL share a session. An envelope is
    {"to": "all" | "staff" | "youth:<id>", "stream": "public" | "staff" | None, "seq": n, "frame": {...}}
or a control envelope {"control": "presence" | "kick", ...}. Stream items (published messages, answer
cards, backchannel notes) are stored before they are published; a room delivers them in seq order and
fills any gap from the database, and each connection drops what it already has: no loss, no duplicates.
"""
import logging
import os
import threading
import time
import uuid

from ..broker import get_broker
from ..db import DATABASE_ERRORS, database_outage
from ..models import ChatMessage, ChatSession, SessionPresence
from .frames import encode, stream_frame
from .room import RoomMemory
from .store import db_connection

log = logging.getLogger(__name__)
NODE = f"{os.getpid()}-{uuid.uuid4().hex[:6]}"
PRESENCE_EVERY = 1.0        # seconds between presence broadcasts of a changed room
PRESENCE_REFRESH = 4.0      # every node re-announces its counts this often
PRESENCE_STALE = 12.0       # a node silent this long no longer counts (a killed process fades within 15 s)
PEAKS_EVERY = 5.0           # seconds between writes of a room's risen presence peaks (plus one when it empties)
TALLY = {"participant": "participants", "observer": "observers", "staff": "staff"}


def text_frame(text: str) -> bytes:
    """One unmasked, final WebSocket text frame (RFC 6455 5.2), as a server sends it."""
    payload = text.encode()
    n = len(payload)
    if n < 126:
        head = bytes((0x81, n))
    elif n < 65536:
        head = bytes((0x81, 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x81, 127)) + n.to_bytes(8, "big")
    return head + payload


class Encoded(str):
    """A frame's JSON text that carries its WebSocket frame, built once and written to every socket as is."""


def encoded(frame: dict) -> Encoded:
    text = Encoded(encode(frame))
    text.wire = text_frame(text)
    return text


class Connection:
    """One socket: who it is, what it has received, and how to reach it."""

    def __init__(self, send, close, role, youth=None, staff=None, device=None, since=0, staff_since=0,
                 outbox=None, address=None):
        self._send, self._close = send, close         # direct writes (no outbox: hub tests, synchronous)
        self.outbox = outbox                          # a socket's bounded queue of ready-made frames (outbox.py)
        self.address = address                        # hashed client address (report limits), never stored
        self.role = role                              # participant | observer | staff
        self.youth = youth
        self.youth_id = youth.id if youth else None
        self.handle = youth.handle if youth else None
        self.staff = staff
        self.staff_id = staff.id if staff else None
        self.device = device
        self.last = {"public": since, "staff": staff_since if staff else 0}
        self.live = False
        self.pending = []
        self.lock = threading.Lock()
        self.closed = False
        self.buckets = {}
        self.room = None

    def sees(self, to: str) -> bool:
        if to == "all":
            return True
        if to == "staff":
            return self.role == "staff"
        if to.startswith("youth:"):
            return self.role == "participant" and str(self.youth_id) == to[6:]
        return False

    def send_now(self, frame, force=False):
        """Send a frame to this socket (replies: ack, error, pong, welcome); never waits on the socket."""
        with self.lock:
            self._write(encode(frame) if isinstance(frame, dict) else frame, force=force)

    def _write(self, text, wire=None, force=False):
        if self.closed:
            return
        if self.outbox is not None:
            wire = wire if wire is not None else getattr(text, "wire", None) or text_frame(text)
            if not self.outbox.put(wire, force=force):
                self.too_slow()
            return
        try:
            self._send(text)
        except Exception:      # a dead socket: its handler will notice and leave
            self.closed = True

    def too_slow(self):
        """Further behind than its outbox allows: close with 1013; the client comes back with `since`."""
        self.closed = True
        self.outbox.close(1013, "too_slow", drop=True)

    def deliver(self, stream, seq, text, wire=None):
        """A fanned-out frame: buffered while catching up; stream frames at most once, in order."""
        with self.lock:
            if not self.live:
                self.pending.append((stream, seq, text))
                return
            self._deliver_locked(stream, seq, text, wire)

    def _deliver_locked(self, stream, seq, text, wire=None):
        if stream:
            if seq <= self.last[stream]:
                return
            self.last[stream] = seq
        self._write(text, wire)

    def deliver_catch_up(self, stream, seq, text):
        """A stored item sent while joining (this socket is not live yet; the catch-up is not bounded)."""
        with self.lock:
            if seq > self.last[stream]:
                self.last[stream] = seq
                self._write(text, force=True)

    def go_live(self, caught_up: dict):
        """Flush what arrived during catch-up, then receive live."""
        while True:
            with self.lock:
                batch, self.pending = self.pending, []
                if not batch:
                    self.live = True
                    self._write(encode({**caught_up, "last_seq": self.last["public"],
                                        **({"last_staff_seq": self.last["staff"]} if self.role == "staff" else {})}))
                    return
                for stream, seq, text in batch:
                    self._deliver_locked(stream, seq, text)

    def close(self, code, reason):
        if self.closed:
            return
        self.closed = True
        if self.outbox is not None:
            return self.outbox.close(code, reason)      # after the frames already queued (e.g. `sanction`)
        try:
            self._close(code, reason)
        except Exception:
            pass


class Room:
    """The connections of one session in this process."""

    def __init__(self, hub, session_id):
        self.hub, self.session_id = hub, session_id
        self.connections = set()
        self.tally = {"participants": 0, "observers": 0, "staff": 0}
        self.lock = threading.RLock()
        self.memory = RoomMemory(session_id)
        with db_connection():
            session = ChatSession.get_by_id(session_id)
            self.memory.load(session, stream_frame, encoded)
        self.delivered = {"public": session.last_seq, "staff": session.last_staff_seq}
        self.nodes = {}                  # node -> (counts, monotonic time)
        self.sent_presence = None
        self.dirty = True
        self.state = None                # last clock state seen (scheduled/lobby/open/closed)
        self.peaks = dict.fromkeys(SessionPresence.PEAKS, 0)     # the session's presence at most, as seen here
        self.youth_seen = set()          # youth ids held while the room is open (memory only; only the count is stored)
        self.peaks_written, self.peaks_at = dict(self.peaks), 0.0
        self.broker = hub.broker         # the broker this room listens on
        self.token = self.broker.subscribe(f"chat:{session_id}", self.on_envelope)

    def enter(self, conn):
        if conn not in self.connections:
            self.connections.add(conn)
            self.tally[TALLY.get(conn.role, "staff")] += 1
            if conn.role == "participant" and conn.youth_id is not None:
                self.youth_seen.add(conn.youth_id)
            self.note_peaks(self.presence())
        self.dirty = True

    def leave(self, conn):
        if conn in self.connections:
            self.connections.discard(conn)
            self.tally[TALLY.get(conn.role, "staff")] -= 1
        self.dirty = True

    def counts(self) -> dict:
        """This process's sockets by role (kept as they come and go: a join does not count the room)."""
        return dict(self.tally)

    def presence(self) -> dict:
        now, total = time.monotonic(), self.counts()
        for node, (counts, seen) in list(self.nodes.items()):
            if node != self.hub.node and now - seen < PRESENCE_STALE:
                for key in total:
                    total[key] += counts.get(key, 0)
        return total

    # --- presence peaks (for the session report) -------------------------------------------------------
    def note_peaks(self, total: dict):
        """Raise the remembered peaks to the presence `total` (every node's sockets); memory only."""
        seen = {"peak_observers": total["observers"], "peak_participants": total["participants"],
                "peak_staff": total["staff"], "peak_total": sum(total.values()),
                "distinct_participants": len(self.youth_seen)}
        for name, value in seen.items():
            if value > self.peaks[name]:
                self.peaks[name] = value

    def write_peaks(self, force=False):
        """Store risen peaks (SessionPresence.record keeps the highest of every process): at most every
        PEAKS_EVERY seconds, or now when `force` (the room empties). A database outage only delays a write; it
        never stops the presence broadcast or a socket's leaving."""
        peaks = dict(self.peaks)
        if peaks == self.peaks_written or not (force or time.monotonic() - self.peaks_at >= PEAKS_EVERY):
            return
        self.peaks_at = time.monotonic()
        try:
            with db_connection():
                SessionPresence.record(self.session_id, peaks)
        except DATABASE_ERRORS as exc:
            database_outage.failed(exc)
            return
        except Exception:            # e.g. the session was deleted: give these values up, once
            log.exception("chat room %s could not store its presence peaks", self.session_id)
        self.peaks_written = peaks

    # --- from the broker ---------------------------------------------------------------------------
    def on_envelope(self, env):
        if "control" in env:
            return self.on_control(env)
        stream = env.get("stream")
        if stream:
            return self.on_stream(env["to"], stream, env["seq"], env["frame"])
        if env["to"] == "all":
            self.memory.seen(env["frame"])
        self.fan_out(env["to"], None, 0, encode(env["frame"]))

    def on_stream(self, to, stream, seq, frame):
        with self.lock:
            if seq <= self.delivered[stream]:
                return
            if seq > self.delivered[stream] + 1:
                self.fill_gap(to, stream, seq)
            self.deliver(to, stream, seq, frame)

    def deliver(self, to, stream, seq, frame):
        """One stream item, in seq order, to every socket that sees it and to the room's memory (under lock)."""
        text = encoded(frame)
        self.fan_out(to, stream, seq, text)
        self.memory.stored(stream, seq, text, frame)
        self.delivered[stream] = seq

    def catch_up(self):
        """Deliver every stored stream item beyond what this room delivered (see Hub.catch_up_all_rooms)."""
        for stream, to in (("public", "all"), ("staff", "staff")):
            with db_connection():
                missing = [(m.seq, stream_frame(m)) for m in
                           ChatMessage.stream(self.session_id, self.delivered[stream], stream)]
            with self.lock:
                for seq, frame in missing:
                    if seq > self.delivered[stream]:
                        self.deliver(to, stream, seq, frame)

    def fill_gap(self, to, stream, seq):
        """Items the broker lost or reordered are committed already: read them from the database."""
        with db_connection():
            missing = [(m.seq, stream_frame(m)) for m in
                       ChatMessage.stream(self.session_id, self.delivered[stream], stream).where(ChatMessage.seq < seq)]
        for missing_seq, frame in missing:
            self.deliver(to, stream, missing_seq, frame)

    def backlog(self, conn):
        """What a joining socket missed, [(stream, seq, text)]: from memory, or the database beyond it."""
        out = []
        for stream in ("public", "staff") if conn.role == "staff" else ("public",):
            with self.lock:
                until = self.delivered[stream]          # later items reach the socket live (it is in the room)
            items = self.memory.backlog(stream, conn.last[stream], until)
            if items is None:
                with db_connection():
                    items = [(m.seq, encode(stream_frame(m))) for m in
                             ChatMessage.stream(self.session_id, conn.last[stream], stream)]
            out += [(stream, seq, text) for seq, text in items]
        return out

    def fan_out(self, to, stream, seq, text):
        wire = getattr(text, "wire", None) or text_frame(text)      # built once, written to every socket as is
        for conn in list(self.connections):
            if conn.sees(to):
                conn.deliver(stream, seq, text, wire)

    def on_control(self, env):
        if env["control"] == "presence":
            if env["node"] != self.hub.node:
                self.nodes[env["node"]] = (env["counts"], time.monotonic())
                self.dirty = True
        elif env["control"] == "kick":
            for conn in list(self.connections):
                if conn.role == "participant" and (conn.youth_id == env.get("youth_id")
                                                   or (env.get("device") and conn.device == env["device"])):
                    if env["kind"] == "block" and conn.device and not env.get("device"):
                        self.record_block_device(conn)      # the host's process didn't know the device
                    conn.send_now({"type": "sanction", "kind": env["kind"]})
                    conn.close(4009, "removed")

    def record_block_device(self, conn):
        from ..models import Sanction
        with db_connection():
            Sanction.update(device=conn.device).where(
                Sanction.session == self.session_id, Sanction.youth == conn.youth_id, Sanction.kind == "block",
                Sanction.device.is_null()).execute()


class Hub:
    """Every room of this process; joins, leaves, publishing and the presence ticker."""

    def __init__(self, broker=None, node=NODE):
        self._broker = broker           # None: the app's broker (get_broker())
        self.node = node
        self.rooms = {}
        self.lock = threading.Lock()
        self.staff_token = None         # (broker, token)
        self.ticker = None              # the presence ticker thread, started by the first join
        self.ticking = True             # False: no ticker thread; whoever drives the hub calls tick() itself
        self.ticker_stop = threading.Event()
        self.starting = threading.Lock()  # the first joins arrive together (16:00): one ticker, one staff subscription

    @property
    def broker(self):
        return self._broker or get_broker()

    def reset(self):
        """Forget every room (a new app starts fresh): a room kept from an earlier app would remember that
        app's sessions and listen on its broker, which may be gone (tests make an app per test, with ids
        starting again at 1)."""
        with self.lock:
            rooms, self.rooms = list(self.rooms.values()), {}
            staff_token, self.staff_token = self.staff_token, None
        for broker, token in [(room.broker, room.token) for room in rooms] + ([staff_token] if staff_token else []):
            broker.unsubscribe(token)          # only forgets the callback: safe on a closed broker too
        self.stop_ticker()                     # a tick under way for the old rooms ends first; the next join starts one

    def publish(self, session_id, to, frame, stream=None, seq=None):
        env = {"to": to, "frame": frame}
        if stream:
            env.update(stream=stream, seq=seq)
        self.broker.publish(f"chat:{session_id}", env)

    def control(self, session_id, **env):
        self.broker.publish(f"chat:{session_id}", env)

    def kick(self, session_id, kind, youth_id=None, device=None):
        self.control(session_id, control="kick", kind=kind, youth_id=youth_id, device=device)

    def add(self, session_id, conn) -> Room:
        self._start()
        with self.lock:
            room = self.rooms.get(session_id)
            if room is None:
                room = self.rooms[session_id] = Room(self, session_id)
            room.enter(conn)
        if conn.role == "staff":
            room.memory.forget()            # the session's staff roster may have grown
        conn.room = room
        return room

    def remove(self, conn):
        room = conn.room
        if room is None:
            return
        with self.lock:              # no I/O while holding it (under gevent it may be a real OS lock)
            room.leave(conn)
            emptied = not room.connections and self.rooms.get(room.session_id) is room
            if emptied:
                room.broker.unsubscribe(room.token)
                self.rooms.pop(room.session_id, None)
        if emptied:
            self.control(room.session_id, control="presence", node=self.node, counts=room.counts())
            room.write_peaks(force=True)

    def observers(self, session_id) -> int:
        """Observer sockets of a session in this process (the cap per session counts these)."""
        room = self.rooms.get(session_id)
        return room.tally["observers"] if room else 0

    def catch_up_all_rooms(self):
        """After the broker lost messages (a Redis reconnect): every room sends what the database has beyond it."""
        for room in list(self.rooms.values()):
            try:
                room.catch_up()
            except Exception:
                log.exception("chat room %s could not catch up", room.session_id)

    def connections(self, session_id=None):
        rooms = [self.rooms.get(session_id)] if session_id else list(self.rooms.values())
        return [c for r in rooms if r for c in list(r.connections)]

    # --- staff deactivation and presence ------------------------------------------------------------
    def _start(self):
        with self.starting:
            if self.staff_token is None or self.staff_token[0] is not self.broker:
                self.staff_token = (self.broker, self.broker.subscribe("staff", self.on_staff_event))
            if self.ticking and (self.ticker is None or not self.ticker.is_alive()):
                self.ticker_stop = threading.Event()
                self.ticker = threading.Thread(target=self._tick_forever, args=(self.ticker_stop,),
                                               name="chat-presence", daemon=True)
                self.ticker.start()

    def stop_ticker(self):
        """End the presence ticker after its current tick (a later join starts it again if `ticking`)."""
        with self.starting:
            ticker, self.ticker = self.ticker, None
            self.ticker_stop.set()
        if ticker is not None and ticker is not threading.current_thread():
            ticker.join(timeout=30)

    def on_staff_event(self, event):
        if event.get("type") == "deactivated":
            for conn in self.connections():
                if conn.staff_id == event.get("staff_id"):
                    conn.send_now({"type": "error", "code": "deactivated",
                                   "message": "Your staff account was deactivated."})
                    conn.close(4003, "deactivated")

    def _tick_forever(self, stop):
        last_refresh, ticks = 0.0, 0
        while not stop.wait(PRESENCE_EVERY):
            ticks += 1
            try:
                refresh = time.monotonic() - last_refresh > PRESENCE_REFRESH
                last_refresh = time.monotonic() if refresh else last_refresh
                self.tick(refresh)
                if ticks % 5 == 0:
                    self.check_states()
            except DATABASE_ERRORS as exc:          # an outage: one log line (db.database_outage), not one per tick
                database_outage.failed(exc)
            except Exception:
                log.exception("chat tick failed")

    def check_states(self):
        """Tell sockets when the clock moves a session on (lobby -> open -> closed)."""
        from .planning import session_state_frame
        if not self.rooms:
            return
        with db_connection():
            for room in list(self.rooms.values()):
                session = ChatSession.get_or_none(ChatSession.id == room.session_id)
                if session is None:
                    continue
                frame = session_state_frame(session)
                if room.state is not None and frame["state"] != room.state:
                    room.memory.forget()
                    room.fan_out("all", None, 0, encode(frame))
                room.state = frame["state"]

    def tick(self, refresh=False):
        """Announce this node's counts and send changed totals to local sockets."""
        for room in list(self.rooms.values()):
            if room.dirty or refresh:
                self.control(room.session_id, control="presence", node=self.node, counts=room.counts())
            total = room.presence()
            room.note_peaks(total)
            room.write_peaks()
            if total != room.sent_presence:
                room.sent_presence = total
                room.fan_out("all", None, 0, encode({"type": "presence", **total}))
            room.dirty = False


hub = Hub()
