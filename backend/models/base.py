"""The base model and small field types shared by every feature's models (`utcnow` is backend/clock.py's)."""
import json

from peewee import DateTimeField, Model, TextField

from ..clock import utcnow
from ..db import db


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
