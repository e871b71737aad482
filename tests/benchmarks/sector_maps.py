"""Sector maps: import time, repairs, and what /api/sectors serves (raw, gzip, Brotli, vertices) per district file.

    python tests/benchmarks/sector_maps.py [FILE.geojson ...] [--timezone Europe/Helsinki]

Without files: the real excerpts in tests/data/sectors, the demo city, 5,000 grid cells and one district of
120,000 points. Each file is imported (--replace) into a fresh SQLite database through the real code; "import"
is plan + save, "build" is the first GET (simplification, rounding, compression), "304" the mean of 50
revalidations. Budget: 150 KB gzip for a whole city.
"""
import argparse
import gzip
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TUTTU_TASKS_IMMEDIATE", "1")

from backend import create_app  # noqa: E402
from backend.schema import upgrade  # noqa: E402

DATA = ROOT / "tests" / "data" / "sectors"
ZONES = {"helsinki": "Europe/Helsinki", "kobenhavn": "Europe/Copenhagen", "kyiv": "Europe/Kyiv"}


def grid(count=5000):
    cells = []
    for i in range(count):
        x, y = 24.5 + (i % 100) * 0.005, 60.1 + (i // 100) * 0.003
        cells.append({"type": "Feature", "properties": {"name": f"Alue {i:04d}", "postcodes": [f"{i:05d}"]},
                      "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 0.005, y], [x + 0.005, y + 0.003],
                                                                       [x, y + 0.003], [x, y]]]}})
    return {"type": "FeatureCollection", "features": cells}


def circle(points=120_000):
    ring = [[24.95 + 0.04 * math.cos(2 * math.pi * k / points), 60.17 + 0.02 * math.sin(2 * math.pi * k / points)]
            for k in range(points)]
    return {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Ympyrä"},
                                                       "geometry": {"type": "Polygon", "coordinates": [ring + ring[:1]]}}]}


def measure(label, data, timezone):
    tmp = tempfile.mkdtemp()
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp}/maps.db", "SECRET_KEY": "bench",
                      "INSTANCE_PATH": tmp, "MEDIA_PATH": f"{tmp}/media", "RATELIMIT_ENABLED": False,
                      "TIMEZONE": timezone})
    from backend.sectors.importing import ImportRefused, import_sectors
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        try:
            result = import_sectors(data, replace=True)
        except ImportRefused as refused:
            return {"file": label, "refused": "; ".join(f"{k}: {v}" for k, v in refused.problems.items())[:200]}
        imported = time.perf_counter() - started
    client = app.test_client()
    started = time.perf_counter()
    first = client.get("/api/sectors", headers={"Accept-Encoding": "gzip"})
    build = time.perf_counter() - started
    body = gzip.decompress(first.data)
    br = client.get("/api/sectors", headers={"Accept-Encoding": "br"}).data
    etag = first.headers["ETag"]
    times = []
    for _ in range(50):
        started = time.perf_counter()
        assert client.get("/api/sectors", headers={"If-None-Match": etag}).status_code == 304
        times.append(time.perf_counter() - started)
    served = json.loads(body)
    vertices = sum(len(ring) for f in served["features"] for poly in (
        [f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon" else f["geometry"]["coordinates"])
        for ring in poly)
    return {"file": label, "features": len(served["features"]), "repairs": sum(r["places"] for r in result["repairs"]),
            "import_s": imported, "build_s": build, "raw_kb": len(body) / 1000, "gzip_kb": len(first.data) / 1000,
            "br_kb": len(br) / 1000, "vertices": vertices, "304_ms": statistics.mean(times) * 1000}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--timezone", default=None)
    args = parser.parse_args()
    cases = []
    for path in args.files or sorted(DATA.glob("*.geojson")):
        zone = args.timezone or next((z for k, z in ZONES.items() if k in path.name.lower()), "Europe/Helsinki")
        cases.append((path.name, json.loads(path.read_text(encoding="utf-8")), zone))
    if not args.files:
        demo = ROOT / "backend" / "sectors" / "demo" / "helsinki_districts.geojson"
        cases += [("demo city (8 Helsinki districts)", json.loads(demo.read_text(encoding="utf-8")), "Europe/Helsinki"),
                  ("5,000 grid cells", grid(), "Europe/Helsinki"), ("1 district of 120,000 points", circle(), "Europe/Helsinki")]
    print(f"{'file':<36} {'features':>8} {'repairs':>7} {'import s':>8} {'build s':>7} {'raw KB':>7} {'gzip KB':>7} "
          f"{'br KB':>6} {'vertices':>8} {'304 ms':>6}")
    for label, data, zone in cases:
        row = measure(label, data, zone)
        if "refused" in row:
            print(f"{label:<36} refused: {row['refused']}")
            continue
        print(f"{row['file']:<36} {row['features']:>8} {row['repairs']:>7} {row['import_s']:>8.2f} {row['build_s']:>7.2f} "
              f"{row['raw_kb']:>7.1f} {row['gzip_kb']:>7.1f} {row['br_kb']:>6.1f} {row['vertices']:>8} {row['304_ms']:>6.2f}")


if __name__ == "__main__":
    main()
