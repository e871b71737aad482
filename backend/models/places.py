"""Sectors of the city and youth centres: the places officers and youth workers belong to."""
from datetime import datetime

from peewee import CharField, FloatField, ForeignKeyField, TextField

from .base import BaseModel, JSONField

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
    def in_order(cls):
        return cls.select().order_by(cls.name, cls.id)

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


class YouthCentre(BaseModel):
    name = CharField(max_length=160)
    address = CharField(max_length=240, null=True)
    sector = ForeignKeyField(Sector, null=True, backref="youth_centres", on_delete="SET NULL")
    latitude = FloatField(null=True)
    longitude = FloatField(null=True)
