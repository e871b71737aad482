"""Map changes a youth is told about: the sector they followed was retired and they now follow its successor."""
from datetime import timedelta

from peewee import CharField, ForeignKeyField

from .base import BaseModel, utcnow
from .people import Youth
from .places import Sector

KEEP_MOVES = timedelta(days=60)          # an unseen notice goes after this; a seen one at once


class SectorMove(BaseModel):
    """'Tuira is now part of Keskusta': shown once on Home, then deleted."""
    youth = ForeignKeyField(Youth, backref="+", on_delete="CASCADE")
    from_name = CharField(max_length=120)
    to_sector = ForeignKeyField(Sector, backref="+", on_delete="CASCADE")

    @classmethod
    def for_youth(cls, youth_id):
        since = utcnow() - KEEP_MOVES
        return (cls.select(cls, Sector).join(Sector)
                .where((cls.youth == youth_id) & (cls.created_at >= since)).order_by(cls.id))

    @classmethod
    def seen(cls, youth_id) -> int:
        return cls.delete().where(cls.youth == youth_id).execute()

    @classmethod
    def forget_old(cls, now=None) -> int:
        return cls.delete().where(cls.created_at < (now or utcnow()) - KEEP_MOVES).execute()
