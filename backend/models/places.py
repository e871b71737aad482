"""Sectors of the city and youth centres: the places officers and youth workers belong to."""
from peewee import CharField, FloatField, ForeignKeyField, TextField

from .base import BaseModel, JSONField


class Sector(BaseModel):
    """A part of the city with its own named local officers (Copenhagen's 'Your Police Officer')."""
    slug = CharField(max_length=64, unique=True)
    name = CharField(max_length=120)
    geometry = JSONField()                      # GeoJSON Polygon or MultiPolygon, WGS84
    contact_phone = CharField(max_length=40, null=True)
    contact_email = CharField(max_length=200, null=True)
    office_hours = JSONField(default=list)     # [{"day": 0-6, "opens": "HH:MM", "closes": "HH:MM"}]
    description = TextField(null=True)

    def officers(self):
        from .people import Staff
        return Staff.active_staff().where((Staff.sector == self) & (Staff.role == Staff.OFFICER))

    def postcodes(self):
        return [row.postcode for row in self.postcode_rows.order_by(SectorPostcode.postcode)]

    @classmethod
    def by_postcode(cls, postcode: str):
        return (cls.select().join(SectorPostcode)
                .where(SectorPostcode.postcode == postcode.strip().replace(" ", "")).first())


class SectorPostcode(BaseModel):
    postcode = CharField(max_length=16, unique=True)
    sector = ForeignKeyField(Sector, backref="postcode_rows", on_delete="CASCADE")


class YouthCentre(BaseModel):
    name = CharField(max_length=160)
    address = CharField(max_length=240, null=True)
    sector = ForeignKeyField(Sector, null=True, backref="youth_centres", on_delete="SET NULL")
    latitude = FloatField(null=True)
    longitude = FloatField(null=True)
