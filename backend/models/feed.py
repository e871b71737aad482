"""Following a sector or an officer, and the officers' updates (posts)."""
from peewee import BooleanField, CharField, Check, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel, JSONField
from .people import Staff, Youth
from .places import Sector


class Follow(BaseModel):
    """A youth follows a sector or an officer (exactly one of the two)."""
    youth = ForeignKeyField(Youth, backref="follows", on_delete="CASCADE")
    sector = ForeignKeyField(Sector, null=True, backref="follows", on_delete="CASCADE")
    officer = ForeignKeyField(Staff, null=True, backref="follows", on_delete="CASCADE")

    class Meta:
        indexes = ((("youth", "sector"), True), (("youth", "officer"), True))
        constraints = [Check("(sector_id IS NULL) <> (officer_id IS NULL)")]


class Post(BaseModel):
    """An officer's update to their sector, or city-wide when `sector` is empty."""
    TOPICS = ("traffic", "drugs_alcohol", "personal_safety", "events", "other")

    author = ForeignKeyField(Staff, backref="posts", on_delete="CASCADE")
    sector = ForeignKeyField(Sector, null=True, backref="posts", on_delete="CASCADE")
    text = TextField()
    tags = JSONField(default=list)
    image = JSONField(null=True)               # {"key": ..., "width": ..., "height": ..., "sizes": [...]}
    pinned = BooleanField(default=False)
    edited_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("sector", "created_at", "id"), False), (("created_at", "id"), False),
                   (("author", "pinned"), False))
