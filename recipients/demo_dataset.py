"""A small fictional province ("Provinsi Contoh") generated in code, so a machine without the
real data still shows a working portal. Nothing here is copied from the shared data files."""

from __future__ import annotations

import datetime
from pathlib import Path

from shapely.geometry import box, shape

from ksbb.lib.geometry import to_geojson
from recipients.demo import (
    DEMO,
    Batch,
    Shapes,
    add_institution,
    generate_demo_parts,
    geometry,
    rng_for,
)
from recipients.importers.base import Summary, upsert
from recipients.models import RW, Area, CaseReport, Recipient

PROVINCE = ("99", "Provinsi Contoh")  # 99 is no Kemendagri province code
KOTA = (("99.71", "Kota Contoh Barat"), ("99.72", "Kota Contoh Timur"))
KECAMATAN = (("Anggrek", "Bakung", "Dahlia"), ("Flamboyan", "Kamboja", "Teratai"))
KELURAHAN_SUFFIXES = ("Utara", "Timur", "Barat", "Selatan")
# The grid covers lon 106.75-106.95, lat -6.10 to -6.30, in the map's default view.
WEST, NORTH, KOTA_WIDTH, KECAMATAN_HEIGHT = 106.75, -6.10, 0.10, 0.20 / 3
RW_COLUMNS, RW_ROWS = 3, 2
CASE_DATES = {
    CaseReport.Schema.ODP_PDP: ("2020-04-30", "2020-05-31", "2020-06-30"),
    CaseReport.Schema.SUSPEK: ("2020-07-31", "2020-09-30", "2020-12-31"),
}
DATASET_SOURCE = "KSBB demo data set (fictional)"


def cell(west: float, north: float, width: float, height: float) -> dict:
    """A grid cell as an RFC 7946 GeoJSON Polygon."""
    return to_geojson(box(west, north - height, west + width, north))


def demo_area(summary: Summary, code: str, level: int, name: str, parent, **values) -> Area:
    values.update(level=level, name=name, parent=parent, provenance=DEMO)
    values.update(source=DATASET_SOURCE, vintage="2020 (fictional)")
    if values.get("boundary"):
        centroid = shape(values["boundary"]).centroid
        values.update(boundary_web=values["boundary"])
        values.update(centroid_lat=round(centroid.y, 6), centroid_lon=round(centroid.x, 6))
    return upsert(Area, summary, {"code": code}, values)


def generate_demo_dataset(data_dir: Path, summary: Summary) -> None:
    """Provinsi Contoh: 2 kota x 3 kecamatan x 4 kelurahan x 6 RWs, case reports, demo parts.

    The signature is every importer's; data_dir is unused (nothing is read from files)."""
    province = demo_area(summary, PROVINCE[0], Area.Level.PROVINCE, PROVINCE[1], None)
    kelurahan_width, kelurahan_height = KOTA_WIDTH / 2, KECAMATAN_HEIGHT / 2
    for k, (kota_code, kota_name) in enumerate(KOTA):
        kota = demo_area(summary, kota_code, Area.Level.KOTA, kota_name, province)
        for j, kecamatan_name in enumerate(KECAMATAN[k]):
            kecamatan = demo_area(
                summary, f"{kota_code}.{j + 1:02d}", Area.Level.KECAMATAN, kecamatan_name, kota
            )
            for i, suffix in enumerate(KELURAHAN_SUFFIXES):
                west = WEST + k * KOTA_WIDTH + (i % 2) * kelurahan_width
                north = NORTH - j * KECAMATAN_HEIGHT - (i // 2) * kelurahan_height
                code = f"{kecamatan.code}.{1001 + i}"
                rng = rng_for("kelurahan", code)
                households = rng.randint(4_000, 20_000)
                kel = demo_area(
                    summary,
                    code,
                    Area.Level.KELURAHAN,
                    f"{kecamatan_name} {suffix}",
                    kecamatan,
                    boundary=cell(west, north, kelurahan_width, kelurahan_height),
                    households=households,
                    population=int(households * rng.uniform(3.0, 3.8)),
                )
                add_demo_rws(kel, west, north, kelurahan_width, kelurahan_height, summary)
                add_demo_cases(kel, summary)
    add_demo_institutions(summary)
    generate_demo_parts(Path("."), summary)


def add_demo_rws(kel: Area, west: float, north: float, width: float, height: float, summary):
    rw_width, rw_height = width / RW_COLUMNS, height / RW_ROWS
    for n in range(RW_COLUMNS * RW_ROWS):
        row, column = divmod(n, RW_COLUMNS)
        boundary = cell(west + column * rw_width, north - row * rw_height, rw_width, rw_height)
        values = {"boundary": boundary, "boundary_web": boundary, "boundary_provenance": DEMO}
        upsert(RW, summary, {"kelurahan": kel, "number": n + 1}, values)


def add_demo_cases(kel: Area, summary: Summary) -> None:
    """Cumulative counts that grow from date to date, in the terms of their time."""
    rng = rng_for("cases", kel.code)
    # Fixed rates per kelurahan and a recovery share that only grows keep every count cumulative.
    died_pct, odp_x, pdp_x = rng.randint(2, 5), rng.randint(3, 6), rng.randint(1, 3)
    positif, step = 0, 0
    for schema, dates in CASE_DATES.items():
        for day in dates:
            positif += rng.randint(2, 30)
            step += 1
            died = positif * died_pct // 100
            recovered = (positif - died) * min(30 + 10 * step, 90) // 100
            isolating = (positif - died - recovered) // 2
            values = {
                "schema": schema,
                "positif": positif,
                "meninggal": died,
                "sembuh": recovered,
                "self_isolation": isolating,
                "dirawat": positif - died - recovered - isolating,
                "source": DATASET_SOURCE,
                "provenance": DEMO,
            }
            if schema == CaseReport.Schema.ODP_PDP:
                values.update(odp=positif * odp_x, pdp=positif * pdp_x)
            else:
                values.update(suspek=positif * 3, probable=positif // 10)
            lookup = {"kelurahan": kel, "report_date": datetime.date.fromisoformat(day)}
            upsert(CaseReport, summary, lookup, values)


def add_demo_institutions(summary: Summary) -> None:
    """Pesantren and one other recipient per kota: only the fictional province has them."""
    batch = Batch(summary)
    shapes: Shapes = {}
    for kota_code, _name in KOTA:
        members = list(Area.objects.kelurahan().filter(code__startswith=kota_code + "."))
        shapes.update((kel.pk, geometry(kel.boundary)) for kel in members)
        for index in range(2):
            key = f"pesantren:{kota_code}:{index + 1}"
            add_institution(Recipient.Kind.PESANTREN, key, members, shapes, batch)
        add_institution(Recipient.Kind.OTHER, f"other:{kota_code}:1", members, shapes, batch)
    batch.write_recipients()
