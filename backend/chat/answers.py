"""The answer archive: published answer cards, searchable, without any handle."""
from typing import Literal

from flask import Blueprint, jsonify
from pydantic import Field

from ..api import Body, Line, api, json_body, query_args
from ..auth import current_staff, staff_required
from ..db import db
from ..errors import ApiError
from ..models import Answer, Staff
from .search import publish_answer, search, unpublish_answer

bp = Blueprint("chat_answers", __name__)

PAGE = 20
Topic = Literal["law", "traffic", "online", "safety", "substances", "school", "home", "police", "other"]


class ArchiveQuery(Body):
    q: Line(200, min_length=0) | None = None
    topic: Topic | None = None
    cursor: int | None = Field(default=None, ge=0)


class PublishBody(Body):
    topic: Topic | None = None


@bp.get("/api/answers")
@api.validate(query=ArchiveQuery, tags=["chat"])
def archive():
    """Published answers, newest first; `q` searches questions and reasons, `topic` filters."""
    args = query_args()
    query = search(Answer.archive(), args.q)
    if args.topic:
        query = query.where(Answer.topic == args.topic)
    offset = args.cursor or 0
    rows = list(query.offset(offset).limit(PAGE + 1))
    more = len(rows) > PAGE
    return jsonify(answers=[a.public() for a in rows[:PAGE]], next_cursor=str(offset + PAGE) if more else None)


@bp.get("/api/answers/<int:answer_id>")
@api.validate(tags=["chat"])
def archive_answer(answer_id):
    """One published answer."""
    answer = Answer.archive().where(Answer.id == answer_id).first()
    if answer is None:
        raise ApiError(404, "not_found", "That answer is not in the archive.")
    return jsonify(answer.public())


@bp.post("/api/answers/<int:answer_id>/publish")
@staff_required(Staff.YOUTH_WORKER, Staff.ADMIN)
@api.validate(json=PublishBody, tags=["chat"])
def publish(answer_id):
    """Put an answer card into the public archive."""
    answer = Answer.get_by_id(answer_id)
    with db.atomic():
        publish_answer(answer, current_staff(), json_body().topic)
    return jsonify(answer.public())


@bp.delete("/api/answers/<int:answer_id>/publish")
@staff_required(Staff.YOUTH_WORKER, Staff.ADMIN)
@api.validate(tags=["chat"])
def unpublish(answer_id):
    """Take an answer out of the public archive."""
    answer = Answer.get_by_id(answer_id)
    with db.atomic():
        unpublish_answer(answer, current_staff())
    return jsonify(answer.public())
