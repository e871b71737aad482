"""One socket's outbound queue: fan-out appends ready-made WebSocket frames and never waits on the socket.

A writer thread (a greenlet under gevent) per socket drains the queue. The queue is bounded in frames
and bytes: a socket that falls further behind than that is closed with 1013 (try again later); it
catches up by `since` when it returns. Its queued frames are dropped at once, so a socket that never
reads costs at most the bounds. If even the close frame cannot be written within the grace period,
the TCP connection is shut.
"""
import logging
import socket
import threading
from collections import deque

log = logging.getLogger(__name__)


class Outbox:
    def __init__(self, ws, max_frames, max_bytes, grace=10.0):
        self.ws = ws                            # simple_websocket.Server (flask-sock's socket)
        self.max_frames, self.max_bytes, self.grace = max_frames, max_bytes, grace
        self.queue = deque()
        self.bytes = 0
        self.cond = threading.Condition(threading.Lock())
        self.closing = None                     # (code, reason) once no more frames are taken
        self.done = False
        self.thread = threading.Thread(target=self._run, name="chat-writer", daemon=True)
        self.thread.start()

    def put(self, wire: bytes, force=False) -> bool:
        """Queue one frame; False (and nothing queued) when the socket is too far behind."""
        with self.cond:
            if self.closing or self.done:
                return True
            if not force and self.queue and (len(self.queue) >= self.max_frames or self.bytes + len(wire) > self.max_bytes):
                return False
            self.queue.append(wire)
            self.bytes += len(wire)
            self.cond.notify()
            return True

    def close(self, code, reason, drop=False):
        """Close after what is queued (or, with `drop`, instead of it)."""
        with self.cond:
            if self.closing or self.done:
                return
            self.closing = (code, reason)
            if drop:
                self.queue.clear()
                self.bytes = 0
            self.cond.notify()
        timer = threading.Timer(self.grace, self._shut)
        timer.daemon = True
        timer.start()

    def stop(self):
        """The socket is gone: the writer ends."""
        with self.cond:
            self.done = True
            self.queue.clear()
            self.bytes = 0
            self.cond.notify()

    def pending(self) -> tuple[int, int]:
        with self.cond:
            return len(self.queue), self.bytes

    def _run(self):
        while True:
            with self.cond:
                while not self.queue and not self.closing and not self.done:
                    self.cond.wait()
                if self.done:
                    return
                wire = None
                if self.queue:
                    wire = self.queue.popleft()
                    self.bytes -= len(wire)
                code_reason = self.closing if wire is None else None
            try:
                if wire is not None:
                    self.ws.sock.sendall(wire)
                    continue
                self.ws.close(*code_reason)
            except Exception:                   # the peer went away: the socket's handler notices and leaves
                pass
            with self.cond:
                self.done = True
                self.queue.clear()
            return

    def _shut(self):
        """The close frame did not get through in time: end the TCP connection."""
        with self.cond:
            if self.done and not self.thread.is_alive():
                return
        try:
            self.ws.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
