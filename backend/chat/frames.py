"""Socket frames: pydantic models for what clients send, and builders for what the server sends."""
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from ..api import Line, Text, field_errors
from ..clock import iso
from .moderation import flag_reason

CID = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


class Frame(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: str


class Say(Frame):
    cid: str = CID
    text: Text(500)
    question: bool = False


class MeTooFrame(Frame):
    seq: int = Field(ge=1)


class AnswerFrame(Frame):
    seq: int = Field(ge=1)
    verdict: Literal["yes", "no", "depends"]
    reason: Text(600)
    link: HttpUrl | None = None

    @field_validator("link")
    @classmethod
    def _short_web_link(cls, value):
        if value is not None and (value.scheme not in ("http", "https") or len(str(value)) > 500):
            raise ValueError("must be an http(s) link of at most 500 characters")
        return value


class Claim(Frame):
    seq: int = Field(ge=1)
    claimed: bool = True


class StaffNote(Frame):
    text: Text(1000)


class ReportFrame(Frame):
    seq: int = Field(ge=1)
    reason: Line(200)


class Concern(Frame):
    seq: int | None = Field(default=None, ge=1)
    id: int | None = Field(default=None, ge=1)
    note: Text(1000, min_length=0) = ""


class Moderate(Frame):
    action: Literal["approve", "reject", "delete", "mute", "remove", "block", "slow", "mode", "publish",
                    "dismiss_report", "close"]
    id: int | None = Field(default=None, ge=1)
    seq: int | None = Field(default=None, ge=1)
    reason: Line(200) | None = None
    minutes: int | None = Field(default=None, ge=1, le=120)
    seconds: int | None = Field(default=None, ge=0, le=300)
    mode: Literal["pre", "open"] | None = None
    topic: Literal["law", "traffic", "online", "safety", "substances", "school", "home", "police", "other"] | None = None
    report_id: int | None = Field(default=None, ge=1)


class Ping(Frame):
    pass


CLIENT_FRAMES = {"say": Say, "metoo": MeTooFrame, "answer": AnswerFrame, "claim": Claim, "staff": StaffNote,
                 "report": ReportFrame, "concern": Concern, "moderate": Moderate, "ping": Ping}
OBSERVER_FRAMES = {"ping", "report"}
STAFF_FRAMES = {"answer", "claim", "staff", "concern", "moderate"}
YOUTH_FRAMES = {"metoo"}


class FrameError(Exception):
    def __init__(self, code, message, fields=None, **extra):
        super().__init__(message)
        self.code, self.message, self.fields, self.extra = code, message, fields or {}, extra

    def frame(self, cid=None):
        body = {"type": "error", "code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        if cid:
            body["cid"] = cid
        return {**body, **self.extra}


def parse(raw: dict):
    """A validated client frame, or FrameError."""
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise FrameError("invalid", "Each frame is a JSON object with a type.")
    model = CLIENT_FRAMES.get(raw["type"])
    if model is None:
        raise FrameError("unknown_type", f"Unknown frame type {raw['type'][:30]!r}.")
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        raise FrameError("invalid", "Some fields need attention.", field_errors(err)) from None


# --- server -> client -----------------------------------------------------------------------------

def encode(frame: dict) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))




def author(message) -> dict | None:
    if message.staff_id:
        s = message.staff
        return {"kind": "staff", "id": s.id, "name": s.name, "role": s.role, "title": s.title,
                "verified": s.is_verified}
    if message.youth_id:
        return {"kind": "youth", "handle": message.youth.handle}
    return None


def public_cid(message) -> str:
    return message.cid.split(":", 1)[-1]


def message_frame(m) -> dict:
    """A published public item: a message or an answer card."""
    if m.kind == "answer":
        return {"type": "answer", "seq": m.seq, "id": m.id, "question_seq": m.reply_to.seq if m.reply_to_id else None,
                "verdict": m.verdict, "reason": m.text, "link": m.link, "author": author(m), "ts": iso(m.created_at)}
    return {"type": "message", "seq": m.seq, "id": m.id, "cid": public_cid(m), "author": author(m), "text": m.text,
            "question": m.is_question, "votes": m.votes, "ts": iso(m.moderated_at or m.created_at)}


def staff_frame(m) -> dict:
    return {"type": "staff", "staff_seq": m.seq, "id": m.id, "author": author(m), "text": m.text, "ts": iso(m.created_at)}


def stream_frame(m) -> dict:
    return staff_frame(m) if m.channel == "staff" else message_frame(m)


def flag_of(m) -> str | None:
    """"may_need_help" for a youth message touching harm, abuse, self-harm, sexual offences or drugs."""
    return flag_reason(m.text) if m.youth_id and m.kind == "say" else None


def flagged(body: dict, m) -> dict:
    """`body` with `flag` added when the message is flagged (staff frames and the sender's ack)."""
    flag = flag_of(m)
    return {**body, "flag": flag} if flag else body


def flag_frame(m) -> dict:
    """To staff, right after a flagged message is published."""
    return {"type": "flag", "seq": m.seq, "id": m.id, "flag": flag_of(m)}


def queue_item(m) -> dict:
    return flagged({"id": m.id, "cid": public_cid(m), "author": author(m), "text": m.text, "question": m.is_question,
                    "reason": m.hold_reason, "ts": iso(m.created_at)}, m)


def mine_item(m) -> dict:
    return {"id": m.id, "cid": public_cid(m), "text": m.text, "question": m.is_question, "status": m.state,
            "reason": m.reject_reason if m.state == "rejected" else m.hold_reason, "ts": iso(m.created_at)}


def report_item(r) -> dict:
    return {"id": r.id, "seq": r.message.seq, "message_id": r.message_id, "reason": r.reason, "ts": iso(r.created_at)}
