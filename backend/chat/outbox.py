"""One socket's outbound queue: fan-out hands it ready-made WebSocket frames and never waits on the socket.

A frame is written at once when the socket can take it (a non-blocking send on the caller's thread:
the usual case costs one system call and no thread switch). What the socket cannot take yet waits in
a queue that a writer thread (a greenlet under gevent), started the first time it is needed, drains.
The queue is bounded in frames and bytes: a socket that falls further behind than that is closed with
1013 (try again later) and catches up by `since` when it returns. Its queued frames are dropped at
once, so a socket that never reads costs at most the bounds. If even the close frame cannot be written
within the grace period, the TCP connection is shut.
"""
import _socket
import logging
import os
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
        self.busy = False                       # the writer is sending a frame it took from the queue
        self.thread = None
        # Our own descriptor for the same connection, never waited on (the server's socket object may be
        # a gevent one, whose send waits when the buffer is full).
        self.direct = _socket.socket(fileno=os.dup(ws.sock.fileno()))

    def put(self, wire: bytes, force=False) -> bool:
        """Write or queue one frame; False (nothing queued) when the socket is too far behind."""
        with self.cond:
            if self.closing or self.done:
                return True
            if not self.queue and not self.busy:
                try:
                    sent = self.direct.send(wire, socket.MSG_DONTWAIT)
                except (BlockingIOError, InterruptedError):
                    sent = 0
                except OSError:                 # gone: the socket's handler notices and leaves
                    return True
                if sent == len(wire):
                    return True
                wire = wire[sent:]              # the rest of this frame goes first
            elif not force and self.queue and (len(self.queue) >= self.max_frames
                                               or self.bytes + len(wire) > self.max_bytes):
                return False
            self.queue.append(wire)
            self.bytes += len(wire)
            self._wake()
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
            self._wake()
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
            self.direct.close()

    def finished(self, timeout):
        """Wait (up to `timeout`) until the writer has sent what it had, the close frame included."""
        if self.thread is not None:
            self.thread.join(timeout=timeout)

    def pending(self) -> tuple[int, int]:
        with self.cond:
            return len(self.queue), self.bytes

    def _wake(self):
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="chat-writer", daemon=True)
            self.thread.start()
        self.cond.notify()

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
                    self.busy = True
                code_reason = self.closing if wire is None else None
            try:
                if wire is not None:
                    self.ws.sock.sendall(wire)
                    with self.cond:
                        self.busy = False
                    continue
                self.ws.close(*code_reason)
            except Exception:                   # the peer went away: the socket's handler notices and leaves
                pass
            with self.cond:
                self.done = True
                self.busy = False
                self.queue.clear()
            return

    def _shut(self):
        """The close frame did not get through in time: end the TCP connection."""
        if self.thread is None or not self.thread.is_alive():
            return
        try:
            self.ws.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
