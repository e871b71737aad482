"""The base model, time helpers and small field types shared by every feature's models."""
import json
from datetime import datetime, timezone

from peewee import DateTimeField, Model, TextField

from ..db import db


def utcnow() -> datetime:
    """Now in UTC as a naive datetime (how every timestamp is stored)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class JSONField(TextField):
    """JSON stored as text: portable across SQLite and PostgreSQL."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(Model):
    created_at = DateTimeField(default=utcnow, index=False)

    class Meta:
        database = db
        legacy_table_names = False
