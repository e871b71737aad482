"""The answer archive's full-text search: FTS5 on SQLite, a tsvector expression index on PostgreSQL."""
import re

from ..db import db, is_postgres
from ..models import Answer, AuditLog, utcnow

PG_DOCUMENT = "to_tsvector('simple', coalesce(answer.question, '') || ' ' || coalesce(answer.reason, ''))"


def ensure_search_index():
    """Create the search structures once per database (idempotent)."""
    if getattr(db.obj, "_tuttu_answer_search", False):
        return
    if is_postgres():
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS answer_search ON answer USING gin (({PG_DOCUMENT}))")
    else:
        db.execute_sql("CREATE VIRTUAL TABLE IF NOT EXISTS answer_fts USING fts5(question, reason, "
                       "tokenize = 'unicode61 remove_diacritics 2')")
    db.obj._tuttu_answer_search = True


def index_answer(answer: Answer):
    ensure_search_index()
    if not is_postgres():
        db.execute_sql("DELETE FROM answer_fts WHERE rowid = ?", (answer.id,))
        if answer.published_at:
            db.execute_sql("INSERT INTO answer_fts (rowid, question, reason) VALUES (?, ?, ?)",
                           (answer.id, answer.question, answer.reason))


def publish_answer(answer: Answer, staff, topic=None):
    """Put an answer in the public archive (caller holds a transaction)."""
    answer.published_at = answer.published_at or utcnow()
    answer.published_by = staff
    answer.topic = topic or answer.topic
    answer.save()
    index_answer(answer)
    AuditLog.record(staff, "chat.publish_answer", answer, topic=answer.topic)


def unpublish_answer(answer: Answer, staff):
    answer.published_at = None
    answer.save()
    index_answer(answer)
    AuditLog.record(staff, "chat.unpublish_answer", answer)


def words(q: str) -> list[str]:
    return re.findall(r"\w+", q.casefold())[:8]


def search(query, q: str | None):
    """Narrow an Answer query to the words of `q` (each as a prefix)."""
    terms = words(q or "")
    if not terms:
        return query
    ensure_search_index()
    if is_postgres():
        from peewee import SQL
        tsquery = " & ".join(f"{t}:*" for t in terms)
        return query.where(Answer.id.in_(
            SQL(f"(SELECT answer.id FROM answer WHERE {PG_DOCUMENT} @@ to_tsquery('simple', %s))", (tsquery,))))
    from peewee import SQL
    match = " ".join('"' + t.replace('"', '') + '"*' for t in terms)
    return query.where(Answer.id.in_(SQL("(SELECT rowid FROM answer_fts WHERE answer_fts MATCH ?)", (match,))))
