"""Sectors of the city and youth centres: the places officers and youth workers belong to."""
from datetime import datetime

from peewee import CharField, DateTimeField, FloatField, ForeignKeyField, IntegerField, TextField

from ..db import db
from .base import BaseModel, JSONField, utcnow

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Sector(BaseModel):
    """A part of the city with its own named local officers (Copenhagen's 'Your Police Officer')."""
    slug = CharField(max_length=64, unique=True)
    name = CharField(max_length=120)
    geometry = JSONField()                      # GeoJSON Polygon or MultiPolygon, WGS84
    contact_phone = CharField(max_length=40, null=True)
    contact_email = CharField(max_length=200, null=True)
    office_hours = JSONField(default=list)     # [{"day": 0-6 (Monday 0), "opens": "HH:MM", "closes": "HH:MM"}]
    description = TextField(null=True)

    def save(self, *args, map_changed=True, **kwargs):
        """Save, and mark the map changed (an import saving many sectors marks it once, at the end)."""
        saved = super().save(*args, **kwargs)
        if map_changed:
            SectorMap.changed()
        return saved

    @property
    def is_retired(self) -> bool:
        return SectorRetirement.select().where(SectorRetirement.sector == self.id).exists()

    def officers(self):
        """The sector's verified, active officers by name (Staff is reached through its `sector` backref)."""
        Staff = Sector.staff.rel_model
        return (Staff.active_staff()
                .where((Staff.sector == self) & (Staff.role == Staff.OFFICER) & Staff.verified_at.is_null(False))
                .order_by(Staff.name))

    def postcodes(self):
        return [row.postcode for row in self.postcode_rows.order_by(SectorPostcode.postcode)]

    def in_office(self, local_now: datetime) -> bool:
        """Is the sector's office open at `local_now` (a time in the city's time zone)?"""
        hhmm = local_now.strftime("%H:%M")
        return any(slot["day"] == local_now.weekday() and slot["opens"] <= hhmm < slot["closes"]
                   for slot in self.office_hours or [])

    def contact(self) -> dict:
        return {"phone": self.contact_phone, "email": self.contact_email}

    @staticmethod
    def normalise_postcode(postcode: str) -> str:
        return "".join(postcode.split()).upper()

    @classmethod
    def by_postcode(cls, postcode: str):
        return (cls.select().join(SectorPostcode)
                .where(SectorPostcode.postcode == cls.normalise_postcode(postcode)).first())

    @classmethod
    def active(cls):
        """Sectors on the map now (a retired sector stays in the database for the posts that name it)."""
        return cls.select().where(cls.id.not_in(SectorRetirement.select(SectorRetirement.sector)))

    @classmethod
    def in_order(cls):
        return cls.active().order_by(cls.name, cls.id)

    @classmethod
    def postcodes_by_sector(cls) -> dict:
        """{sector_id: [postcode, ...]} for every sector, in one query."""
        found = {}
        for row in SectorPostcode.select().order_by(SectorPostcode.postcode):
            found.setdefault(row.sector_id, []).append(row.postcode)
        return found


class SectorPostcode(BaseModel):
    postcode = CharField(max_length=16, unique=True)
    sector = ForeignKeyField(Sector, backref="postcode_rows", on_delete="CASCADE")


class SectorMap(BaseModel):
    """One row: the map's version (bumped whenever a sector changes) and the attribution of its data."""
    version = IntegerField(default=1)
    attribution = TextField(null=True)
    changed_at = DateTimeField(default=utcnow)

    @classmethod
    def changed(cls, attribution=None):
        """Mark the map changed (the served GeoJSON is built again); optionally set its attribution."""
        update = {cls.version: cls.version + 1, cls.changed_at: utcnow()}
        if attribution is not None:
            update[cls.attribution] = attribution or None
        (cls.insert(id=1, version=1, attribution=attribution or None)
         .on_conflict(conflict_target=[cls.id], update=update).execute())

    @classmethod
    def fingerprint(cls) -> tuple:
        """Changes when the map may have changed: its version, and the sector and postcode tables' counts."""
        return tuple(db.execute_sql(
            "SELECT (SELECT version FROM sector_map WHERE id = 1), (SELECT COUNT(*) FROM sector),"
            " (SELECT MAX(id) FROM sector), (SELECT COUNT(*) FROM sector_postcode), (SELECT MAX(id) FROM sector_postcode),"
            " (SELECT COUNT(*) FROM sector_retirement)").fetchone())

    @classmethod
    def current_attribution(cls):
        row = cls.get_or_none(cls.id == 1)
        return row.attribution if row else None


class SectorRetirement(BaseModel):
    """A sector taken off the map by an import that replaced the map; its followers went to `successor`."""
    sector = ForeignKeyField(Sector, unique=True, backref="retirement", on_delete="CASCADE")
    successor = ForeignKeyField(Sector, null=True, backref="+", on_delete="SET NULL")


class YouthCentre(BaseModel):
    name = CharField(max_length=160)
    address = CharField(max_length=240, null=True)
    sector = ForeignKeyField(Sector, null=True, backref="youth_centres", on_delete="SET NULL")
    latitude = FloatField(null=True)
    longitude = FloatField(null=True)

    @property
    def is_retired(self) -> bool:
        """Retired by the admin (CentreRetirement, reached through its `retirement` backref): it stays on past
        meetups and is offered for no new one."""
        return self.retirement.exists()

    @classmethod
    def in_use(cls):
        """The centres not retired, by name: the ones offered for new meetups."""
        Retirement = cls.retirement.rel_model          # CentreRetirement (models/console.py)
        return (cls.select().where(cls.id.not_in(Retirement.select(Retirement.youth_centre)))
                .order_by(cls.name, cls.id))
