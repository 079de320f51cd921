"""The RW importer: RW polygons attached to the imported kelurahan by a spatial join, on small
files in tmp_path (and on the real files when KSBB_DATA_DIR is set)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError

from ksbb.lib.geojson import rfc7946_errors
from recipients.importers.rws import NotAnRW, rw_number
from recipients.models import RW, Area
from tests.test_import_areas import run, square, write_area_files, write_features

# BPS codes of the two kelurahan in the RW layer (they differ from the Kemendagri codes).
BPS_GAMBIR, BPS_CIDENG = "3173010001", "3173010002"

pytestmark = pytest.mark.usefixtures("english")


def rw_feature(rw_id: str, label: str, geom: dict | None, kelurahan_id: str = BPS_GAMBIR):
    props = {"kelurahan_id": kelurahan_id, "kelurahan": "Gambir", "rw_id": rw_id, "rw": label}
    return props, geom


BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [
            [106.822, -6.178],
            [106.828, -6.172],
            [106.828, -6.178],
            [106.822, -6.172],
            [106.822, -6.178],
        ]
    ],
}


def write_rw_file(data_dir: Path, features: list | None = None) -> Path:
    """RWs inside the Gambir and Cideng squares of write_area_files, with one of each problem."""
    write_features(
        data_dir / "nusantr-jakarta" / "jakarta_rw.geojson",
        features
        or [
            rw_feature(BPS_GAMBIR + "001000", "RW 01", square(106.811, -6.179, 0.004)),
            # RW 02 comes as two polygons under one code.
            rw_feature(BPS_GAMBIR + "002000", "RW 02", square(106.811, -6.175, 0.002)),
            rw_feature(BPS_GAMBIR + "002000", "RW 02", square(106.811, -6.172, 0.002)),
            # The same RW 03 under a truncated code: merged with its twin.
            rw_feature(BPS_GAMBIR + "003000", "RW 03", square(106.816, -6.179, 0.002)),
            rw_feature("31730100010", "RW 3", square(106.816, -6.1775, 0.002)),
            rw_feature(BPS_CIDENG + "001000", "RW 01", BOWTIE, BPS_CIDENG),
            rw_feature(BPS_GAMBIR + "099000", "TPU", square(106.818, -6.172, 0.001)),
            rw_feature(BPS_GAMBIR + "004000", "RW 04", {"type": "Polygon", "coordinates": [[]]}),
            # Far out at sea: outside every kelurahan.
            rw_feature("3175099999001000", "RW 01", square(106.5, -5.5, 0.001), "3175099999"),
        ],
    )
    return data_dir


@pytest.fixture
def data_dir(db, tmp_path: Path) -> Path:
    write_area_files(tmp_path)
    run("import_areas", tmp_path)
    return write_rw_file(tmp_path)


def numbers(code: str) -> list[int]:
    return list(RW.objects.filter(kelurahan__code=code).values_list("number", flat=True))


def test_rws_are_attached_to_their_kelurahan(data_dir):
    out = run("import_rws", data_dir)

    assert "RWs: 4 created, 0 updated, 0 unchanged, 3 skipped" in out
    assert numbers("31.71.01.1001") == [1, 2, 3]
    assert numbers("31.71.01.1002") == [1]
    rw = RW.objects.get(kelurahan__code="31.71.01.1001", number=1)
    assert rw.source_ref == BPS_GAMBIR + "001000"
    assert rw.boundary_provenance == "official"
    assert rw.boundary and rfc7946_errors(rw.boundary) == []
    assert rw.boundary_web and rfc7946_errors(rw.boundary_web) == []


def test_split_rw_is_merged_into_one_multipolygon(data_dir):
    out = run("import_rws", data_dir)

    rw = RW.objects.get(kelurahan__code="31.71.01.1001", number=2)
    assert rw.boundary is not None
    assert rw.boundary["type"] == "MultiPolygon"
    assert len(rw.boundary["coordinates"]) == 2
    assert "1 RWs came as several polygons and were merged" in out
    assert f"{BPS_GAMBIR}002000 (2)" in out


def test_two_codes_with_one_number_in_one_kelurahan_are_merged(data_dir):
    out = run("import_rws", data_dir)

    rw = RW.objects.get(kelurahan__code="31.71.01.1001", number=3)
    assert rw.source_ref == f"31730100010,{BPS_GAMBIR}003000"
    assert rw.boundary is not None
    assert rw.boundary["type"] == "Polygon"  # the two halves overlap
    assert "RW 03 Gambir: merged source RWs" in out


def test_invalid_bowtie_is_repaired_and_reported(data_dir):
    out = run("import_rws", data_dir)

    rw = RW.objects.get(kelurahan__code="31.71.01.1002", number=1)
    assert rw.boundary is not None
    assert rw.boundary["type"] == "MultiPolygon"  # the two triangles of the bowtie
    assert "jakarta_rw.geojson, row 6: RW 01 Gambir" in out
    assert "invalid polygon repaired (Self-intersection" in out


def test_non_rw_broken_geometry_and_unattached_are_reported_and_skipped(data_dir):
    out = run("import_rws", data_dir)

    assert "jakarta_rw.geojson, row 7: TPU Gambir [3173010001099000]: not an RW" in out
    assert "jakarta_rw.geojson, row 8: RW 04 Gambir [3173010001004000]: broken geometry" in out
    assert "[3175099999001000]: lies outside every kelurahan boundary" in out
    assert not RW.objects.filter(number=4).exists()


def test_second_run_changes_nothing_and_keeps_demo_fields(data_dir):
    run("import_rws", data_dir)
    RW.objects.filter(number=1).update(
        households=120, households_provenance="demo", ketua_name="Budi", ketua_provenance="demo"
    )

    out = run("import_rws", data_dir)

    assert "RWs: 0 created, 0 updated, 4 unchanged, 3 skipped (nothing changed)" in out
    assert set(RW.objects.filter(number=1).values_list("households", "ketua_name")) == {
        (120, "Budi")
    }


def test_changed_polygon_updates_only_the_geometry(data_dir):
    run("import_rws", data_dir)
    RW.objects.filter(number=1).update(households=120, ketua_name="Budi")
    path = data_dir / "nusantr-jakarta" / "jakarta_rw.geojson"
    data = json.loads(path.read_text())
    data["features"][0]["geometry"] = square(106.811, -6.179, 0.003)
    path.write_text(json.dumps(data))

    out = run("import_rws", data_dir)

    assert "RWs: 0 created, 1 updated, 3 unchanged" in out
    rw = RW.objects.get(kelurahan__code="31.71.01.1001", number=1)
    assert (rw.households, rw.ketua_name) == (120, "Budi")


def test_dry_run_changes_nothing(data_dir):
    out = run("import_rws", data_dir, "--dry-run")

    assert "RWs: 4 created" in out
    assert not RW.objects.exists()


def test_missing_column_aborts_with_nothing_saved(data_dir):
    write_rw_file(
        data_dir, [({"rw": "RW 01", "kelurahan_id": BPS_GAMBIR}, square(106.811, -6.179))]
    )

    with pytest.raises(CommandError, match=r"jakarta_rw.geojson: missing property\(ies\): rw_id"):
        run("import_rws", data_dir)
    assert not RW.objects.exists()


def test_without_kelurahan_boundaries_says_to_import_areas_first(db, tmp_path):
    write_rw_file(tmp_path)

    with pytest.raises(CommandError, match="import areas first"):
        run("import_rws", tmp_path)


@pytest.mark.parametrize(
    ("rw_id", "label", "number"),
    [
        ("3173010001001000", "RW 01", 1),
        ("3172050006013000", "RW13", 13),
        ("3175040004010000", "RW 010", 10),
        ("31730500030", "RW 1", 1),
        ("3173010001012000", "", 12),
    ],
)
def test_rw_number_comes_from_label_else_code(rw_id, label, number):
    assert rw_number(rw_id, label) == number


@pytest.mark.parametrize(
    ("rw_id", "label"),
    [
        ("3173040001099000", "TPU"),
        ("3173010004099000", ""),
        ("3172060005999000", "LP Cipinang"),
        ("3173010001000000", "RW 00"),
    ],
)
def test_non_rw_polygons_are_recognised(rw_id, label):
    with pytest.raises(NotAnRW):
        rw_number(rw_id, label)


@pytest.mark.realdata
def test_real_files_attach_every_rw_and_skip_the_11_non_rw(db, settings):
    if not settings.KSBB_DATA_DIR:
        pytest.skip("KSBB_DATA_DIR is not set")
    data_dir = Path(settings.KSBB_DATA_DIR)
    run("import_areas", data_dir)

    out = run("import_rws", data_dir)

    # The issue expects >= 2,690, but the file holds 2,698 distinct rw_id of which 11 are no
    # RW: 2,687 is every RW there is, and every one of them finds its kelurahan.
    assert RW.objects.count() == 2687
    assert RW.objects.values("kelurahan").distinct().count() == 261
    assert out.count(": not an RW (") == 11
    assert "11 skipped" in out
    assert out.count("invalid polygon repaired") >= 1
    assert "28 RWs came as several polygons and were merged" in out
    for rw in RW.objects.only("boundary_web"):
        assert rw.boundary_web and rfc7946_errors(rw.boundary_web) == [], rw.pk
    assert not Area.objects.kelurahan().filter(boundary=None).exists()
    assert "RWs: 0 created, 0 updated, 2687 unchanged" in run("import_rws", data_dir)
