"""The weekly schedule (city time): admins and youth workers edit the slots."""
import re

from flask import Blueprint, current_app, jsonify
from pydantic import Field, field_validator

from ..api import Body, Line, api, json_body
from ..auth import current_staff, staff_required
from ..db import db
from ..errors import ApiError
from ..models import AuditLog, ChatSchedule, Staff
from .planning import default_slot, replan_slot

bp = Blueprint("chat_schedule", __name__)

EDITORS = (Staff.YOUTH_WORKER, Staff.ADMIN)


class SlotBody(Body):
    weekday: int = Field(ge=0, le=6)
    starts: str
    minutes: int = Field(ge=10, le=480)
    title: Line(120) = "Monday chat"
    host_id: int | None = None

    @field_validator("starts")
    @classmethod
    def _clock(cls, value):
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value or ""):
            raise ValueError("must be HH:MM (24 h)")
        return value


class SlotChange(SlotBody):
    weekday: int | None = Field(default=None, ge=0, le=6)
    starts: str | None = None
    minutes: int | None = Field(default=None, ge=10, le=480)
    title: Line(120) | None = None
    active: bool | None = None

    @field_validator("starts")
    @classmethod
    def _clock(cls, value):
        return None if value is None else SlotBody._clock(value)


def slot_row(slot):
    return {"id": slot.id, "weekday": slot.weekday, "starts": slot.starts, "minutes": slot.minutes,
            "title": slot.title, "host": slot.host.public() if slot.host_id else None, "active": slot.active}


def host_of(host_id):
    if host_id is None:
        return None
    host = Staff.get_or_none(Staff.id == host_id)
    if host is None or not host.can_act_as(*EDITORS):
        raise ApiError(422, "invalid", "The host must be a verified youth worker.", {"host_id": "is not a youth worker"})
    return host


@bp.get("/api/schedule")
@api.validate(tags=["chat"])
def schedule():
    """The weekly slots in city time."""
    default_slot()
    slots = ChatSchedule.select().order_by(ChatSchedule.weekday, ChatSchedule.starts)
    return jsonify(timezone=current_app.config["TIMEZONE"], slots=[slot_row(s) for s in slots])


@bp.post("/api/schedule")
@staff_required(*EDITORS)
@api.validate(json=SlotBody, tags=["chat"])
def add_slot():
    """Add a weekly slot."""
    body = json_body()
    with db.atomic():
        slot = ChatSchedule.create(weekday=body.weekday, starts=body.starts, minutes=body.minutes, title=body.title,
                                   host=host_of(body.host_id))
        AuditLog.record(current_staff(), "chat.slot_add", slot)
    replan_slot(slot)
    return jsonify(slot_row(slot)), 201


@bp.patch("/api/schedule/<int:slot_id>")
@staff_required(*EDITORS)
@api.validate(json=SlotChange, tags=["chat"])
def change_slot(slot_id):
    """Change a weekly slot; its future sessions without messages are planned again."""
    slot, body = ChatSchedule.get_by_id(slot_id), json_body()
    for name in ("weekday", "starts", "minutes", "title", "active"):
        if getattr(body, name) is not None:
            setattr(slot, name, getattr(body, name))
    if "host_id" in body.model_fields_set:
        slot.host = host_of(body.host_id)
    with db.atomic():
        slot.save()
        AuditLog.record(current_staff(), "chat.slot_change", slot)
    replan_slot(slot)
    return jsonify(slot_row(slot))


@bp.delete("/api/schedule/<int:slot_id>")
@staff_required(*EDITORS)
@api.validate(tags=["chat"])
def remove_slot(slot_id):
    """Stop a weekly slot (kept, inactive); its future sessions without messages go."""
    slot = ChatSchedule.get_by_id(slot_id)
    with db.atomic():
        slot.active = False
        slot.save()
        AuditLog.record(current_staff(), "chat.slot_remove", slot)
    replan_slot(slot)
    return "", 204
