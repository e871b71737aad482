"""The demo city: eight real districts of central Helsinki (the city's open data, CC BY 4.0; see
backend/sectors/demo/README.md) as sectors with two officers each, youth workers, youth centres, an admin.

Features add their own demo content in their init_app with `add_demo_step(app, order, step)`; each step
receives the DemoCity, in order, inside one transaction.
Passwords are random, returned once to be printed, never stored in plain text.
"""
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from .db import db
from .models import Sector, SectorMap, SectorPostcode, Staff, YouthCentre, utcnow


def add_demo_step(app, order: int, step):
    """Register step(city: DemoCity), which adds a feature's demo content, on this app."""
    app.extensions.setdefault("tuttu_demo_steps", []).append((order, step))


@dataclass
class DemoCity:
    sectors: list = field(default_factory=list)
    officers: list = field(default_factory=list)
    youth_workers: list = field(default_factory=list)
    organisers: list = field(default_factory=list)
    centres: list = field(default_factory=list)
    admin: Staff | None = None
    logins: list = field(default_factory=list)
    now: object = None


# name, slug, postcodes, officer names; the outlines are the City of Helsinki's (DEMO_MAP)
SECTORS = [
    ("Kluuvi", "kluuvi", ["00100"], ["Aino Korhonen", "Mikko Virtanen"]),
    ("Kallio", "kallio", ["00530", "00500"], ["Sanna Mäkinen", "Juha Nieminen"]),
    ("Kamppi", "kamppi", ["00180"], ["Laura Heikkinen", "Antti Koskinen"]),
    ("Punavuori", "punavuori", ["00120", "00150"], ["Emilia Järvinen", "Ville Lehtonen"]),
    ("Ullanlinna", "ullanlinna", ["00140"], ["Oona Hämäläinen", "Teemu Laine"]),
    ("Kruununhaka", "kruununhaka", ["00170"], ["Iida Rantanen", "Jussi Salminen"]),
    ("Katajanokka", "katajanokka", ["00160"], ["Venla Koivisto", "Eetu Lindholm"]),
    ("Kaartinkaupunki", "kaartinkaupunki", ["00130"], ["Helmi Aaltonen", "Onni Karjalainen"]),
]
DEMO_CITY = "Helsinki"
DEMO_MAP = Path(__file__).parent / "sectors" / "demo" / "helsinki_districts.geojson"
ORIGIN_LON, ORIGIN_LAT, CELL_LON, CELL_LAT = 25.40, 64.99, 0.06, 0.025       # cell_polygon (benchmarks)
OFFICE_HOURS = [{"day": 0, "opens": "12:00", "closes": "16:00"}, {"day": 2, "opens": "14:00", "closes": "18:00"},
                {"day": 4, "opens": "10:00", "closes": "12:00"}]


def demo_outlines() -> tuple[dict, str]:
    """{name: GeoJSON geometry} of the demo districts, read and repaired like any import; and the attribution."""
    from .sectors.importing import read_collection
    data = json.loads(DEMO_MAP.read_text(encoding="utf-8"))
    drafts, _ = read_collection(data)
    return {draft.name: draft.geometry.__geo_interface__ for draft in drafts}, data["attribution"]


def cell_polygon(index: int) -> dict:
    """A rectangle of a 3-column grid (synthetic maps for benchmarks)."""
    col, row = index % 3, index // 3
    west, south = ORIGIN_LON + col * CELL_LON, ORIGIN_LAT + row * CELL_LAT
    east, north = west + CELL_LON, south + CELL_LAT
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def _login(city, role, email, name, **fields):
    password = secrets.token_urlsafe(12)
    staff = Staff.register(email, name, role, password, verified_by=city.admin or True, **fields)
    city.logins.append((role, email, password))
    return staff


def seed_city(city: DemoCity):
    city.admin = _login(city, Staff.ADMIN, "admin@demo.tuttu.fi", "Kaisa Admin", title="City admin")
    outlines, attribution = demo_outlines()
    SectorMap.changed(attribution=attribution)
    for index, (name, slug, postcodes, officers) in enumerate(SECTORS):
        sector = Sector.create(slug=slug, name=name, geometry=outlines[name],
                               contact_phone=f"+358 29 541 {6100 + index}",
                               contact_email=f"{slug}@demo.tuttu.fi", office_hours=OFFICE_HOURS,
                               description=f"Local police officers of {name}, {DEMO_CITY}.")
        for code in postcodes:
            SectorPostcode.create(postcode=code, sector=sector)
        city.sectors.append(sector)
        for n, officer_name in enumerate(officers):
            first = officer_name.split()[0].lower().replace("ä", "a").replace("ö", "o")
            city.officers.append(_login(
                city, Staff.OFFICER, f"{first}.{slug}@demo.tuttu.fi", officer_name, sector=sector,
                title="Community police officer" if n == 0 else "Sector officer", languages="fi,en",
                bio=f"I work in {name}. Ask me about traffic, safety or anything that worries you."))
    for n, (centre_name, sector) in enumerate([("Nuorisotalo Kupla", city.sectors[0]),
                                                ("Nuorisotalo Kallion Tupa", city.sectors[1])]):
        centre = YouthCentre.create(name=centre_name, address=f"Nuorisotie {n + 1}, {DEMO_CITY}", sector=sector)
        city.centres.append(centre)
        city.organisers.append(_login(city, Staff.ORGANISER, f"organiser{n + 1}@demo.tuttu.fi",
                                      ["Hanna Ojala", "Petri Kallio"][n], youth_centre=centre,
                                      title="Youth centre organiser"))
    for n, worker in enumerate(["Riikka Youth-worker", "Tuomas Youth-worker"]):
        city.youth_workers.append(_login(city, Staff.YOUTH_WORKER, f"youthworker{n + 1}@demo.tuttu.fi",
                                         worker.split()[0] + [" Leinonen", " Peltonen"][n],
                                         title="Youth worker, chat host", languages="fi,en,sv"))


def seed_demo() -> list:
    """Create the demo city and every feature's demo content in one transaction; return the logins."""
    city = DemoCity(now=utcnow())
    steps = sorted(current_app.extensions.get("tuttu_demo_steps", []), key=lambda item: item[0])
    with db.atomic():
        seed_city(city)
        for _, step in steps:
            step(city)
    return city.logins
