"""What a room remembers so that a join costs about what a message costs.

A welcome needs the session, the presence, vote counts, which questions are answered and which
answers archived, which messages were removed, and the recent stream items to catch up from. The room
keeps these in memory, kept current by the same frames that change them (they pass through the room
on their way to the sockets); the database stays the source of truth: the shared part of the welcome
is read again after any frame the room does not know how to apply, and a client that missed more
than the room remembers catches up from the database.
"""
import threading
from collections import deque

from ..models import Answer, ChatMessage, ChatSession
from .planning import session_payload
from .store import db_connection

KEEP_ITEMS = 500                  # recent stream items per stream


class RoomMemory:
    def __init__(self, session_id, keep=KEEP_ITEMS):
        self.session_id = session_id
        self.lock = threading.Lock()
        self.keep = keep
        self.items = {"public": deque(), "staff": deque()}      # (seq, encoded frame), increasing seq
        self.floor = {"public": 0, "staff": 0}                   # every item above this is in `items`
        self.shared = None                    # the welcome part that is the same for all (and the session row)
        self.generation = 0

    def load(self, session: ChatSession, stream_frame, encode):
        """Remember the last items of each stream (once, when the room opens, in a database block)."""
        for stream, last in (("public", session.last_seq), ("staff", session.last_staff_seq)):
            rows = list(ChatMessage.stream(self.session_id, max(0, last - self.keep), stream))
            self.items[stream] = deque((m.seq, encode(stream_frame(m))) for m in rows)
            self.floor[stream] = max(0, last - self.keep)

    # --- kept current by the frames -----------------------------------------------------------------
    def stored(self, stream, seq, text, frame):
        """A stream item the room delivered (in seq order)."""
        with self.lock:
            items = self.items[stream]
            items.append((seq, text))
            while len(items) > self.keep:
                self.floor[stream] = items.popleft()[0]
            if frame.get("type") == "answer" and self.shared is not None and frame.get("question_seq"):
                self.shared["answered"].append(frame["question_seq"])

    def seen(self, frame):
        """A frame without seq sent to everyone: apply it, or forget what it may have changed."""
        kind = frame.get("type")
        with self.lock:
            if kind == "presence":
                return
            if kind == "votes" and self.shared is not None:
                self.shared["questions"][str(frame["seq"])] = frame["votes"]
                return
            if kind == "removed":
                public = self.items["public"]
                self.items["public"] = deque(item for item in public if item[0] != frame.get("seq"))
            self.forget()

    def forget(self):
        """Something changed that the room does not apply itself: read it again at the next join."""
        self.generation += 1
        self.shared = None

    # --- what a join reads --------------------------------------------------------------------------
    def welcome_parts(self):
        """(session row, session payload, {removed, questions, answered, archived}): from memory, or read once."""
        with self.lock:
            shared, generation = self.shared, self.generation
        if shared is None:
            with db_connection():
                shared = read_shared(self.session_id)
            with self.lock:
                if self.generation == generation:
                    self.shared = shared
        with self.lock:                # copies: the welcome is encoded outside the lock
            return shared["session"], dict(shared["payload"]), {
                "removed": list(shared["removed"]), "questions": dict(shared["questions"]),
                "answered": list(shared["answered"]), "archived": list(shared["archived"])}

    def backlog(self, stream, since, until):
        """Items with since < seq <= until, or None when the room does not remember that far back."""
        with self.lock:
            if since < self.floor[stream]:
                return None
            return [(seq, text) for seq, text in self.items[stream] if since < seq <= until]


def read_shared(session_id) -> dict:
    session = ChatSession.get_by_id(session_id)
    base = ChatMessage.select().where(ChatMessage.session == session_id, ChatMessage.channel == "public")
    return {
        "session": session, "payload": session_payload(session),
        "removed": [m.seq for m in base.where(ChatMessage.state == ChatMessage.DELETED, ChatMessage.seq.is_null(False))],
        "questions": {str(m.seq): m.votes for m in base.where(ChatMessage.state == ChatMessage.PUBLISHED,
                                                             ChatMessage.is_question == True, ChatMessage.votes > 0)},  # noqa: E712
        "answered": [m.seq for m in ChatMessage.select(ChatMessage.seq).join(Answer, on=(Answer.message == ChatMessage.id))
                     .where(Answer.session == session_id)],
        "archived": [m.seq for m in ChatMessage.select(ChatMessage.seq).join(Answer, on=(Answer.card == ChatMessage.id))
                     .where(Answer.session == session_id, Answer.published_at.is_null(False))]}
