"""The audit log in the console: who did what to what, filtered by person, action and date, and as CSV."""
import csv
import io
from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, jsonify
from peewee import JOIN
from pydantic import Field

from ..api import Body, Line, api, query_args
from ..auth import staff_required
from ..clock import iso
from ..models import AuditLog, Staff, utcnow
from .settings import retention_days

bp = Blueprint("console_audit", __name__)
PAGE = 100


def purge_old_audit(now=None) -> int:
    """Retention: audit entries older than the keep period (AUDIT_KEEP_DAYS, or the console's value) go."""
    days = retention_days("AUDIT_KEEP_DAYS")
    return AuditLog.delete().where(AuditLog.created_at < (now or utcnow()) - timedelta(days=days)).execute()


class AuditQuery(Body):
    actor_id: int | None = Field(default=None, ge=1)
    action: Line(60) | None = None              # exact ("staff.verify") or a prefix ending in "." ("staff.")
    since: date | None = None                   # first day included (UTC)
    until: date | None = None                   # last day included (UTC)
    before_id: int | None = Field(default=None, ge=1)


def filtered(q):
    rows = AuditLog.select(AuditLog, Staff).join(Staff, on=(AuditLog.actor == Staff.id), join_type=JOIN.LEFT_OUTER)
    if q.actor_id:
        rows = rows.where(AuditLog.actor == q.actor_id)
    if q.action:
        rows = rows.where(AuditLog.action.startswith(q.action) if q.action.endswith(".") else AuditLog.action == q.action)
    if q.since:
        rows = rows.where(AuditLog.created_at >= datetime.combine(q.since, time.min))
    if q.until:
        rows = rows.where(AuditLog.created_at < datetime.combine(q.until + timedelta(days=1), time.min))
    return rows.order_by(AuditLog.id.desc())


def entry(row) -> dict:
    actor = row.actor if row.actor_id else None
    return {"id": row.id, "at": iso(row.created_at), "action": row.action,
            "actor_id": row.actor_id, "actor": actor.name if actor else None,
            "target_type": row.target_type, "target_id": row.target_id, "detail": row.detail or {}}


@bp.get("/api/console/audit")
@staff_required(Staff.ADMIN)
@api.validate(query=AuditQuery, tags=["console"])
def audit_log():
    """The audit log, newest first, 100 at a time (before_id pages on), with the actions seen (admin)."""
    q = query_args()
    rows = filtered(q)
    if q.before_id:
        rows = rows.where(AuditLog.id < q.before_id)
    items = [entry(r) for r in rows.limit(PAGE + 1)]
    actions = [r.action for r in AuditLog.select(AuditLog.action).distinct().order_by(AuditLog.action)]
    actors = [{"id": s.id, "name": s.name} for s in
              Staff.select().where(Staff.id.in_(AuditLog.select(AuditLog.actor))).order_by(Staff.name)]
    return jsonify(entries=items[:PAGE], more=len(items) > PAGE, actions=actions, actors=actors)


@bp.get("/api/console/audit.csv")
@staff_required(Staff.ADMIN)
@api.validate(query=AuditQuery, tags=["console"])
def audit_csv():
    """The filtered audit log as CSV (admin)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "action", "actor_id", "actor", "target_type", "target_id", "detail"])
    import json
    for row in filtered(query_args()).iterator():
        e = entry(row)
        writer.writerow([e["id"], e["at"], e["action"], e["actor_id"] or "", safe_cell(e["actor"] or ""),
                         e["target_type"] or "", e["target_id"] or "",
                         safe_cell(json.dumps(e["detail"], ensure_ascii=False)) if e["detail"] else ""])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="tuttu-audit.csv"'})


def safe_cell(value: str) -> str:
    """No spreadsheet formulas from stored text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
