"""The area importer: Kemendagri codes + Dukcapil kelurahan boundaries, on small files written
to tmp_path in the layout of shared/data (and on the real files when KSBB_DATA_DIR is set)."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ksbb.lib.geojson import rfc7946_errors
from recipients.models import Area

pytestmark = pytest.mark.usefixtures("english")


def square(lon: float, lat: float, size: float = 0.01, clockwise: bool = False) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size]]
    if clockwise:
        ring.reverse()
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_features(path: Path, features: list[tuple[dict, dict | None]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": geom} for props, geom in features
        ],
    }
    path.write_text(json.dumps(collection), encoding="utf-8")


def kelurahan_feature(code: str, name: str, geom: dict | None, population=1000.0, kk=300.0):
    props = {"KODE_DESA": code, "DESA": name, "JUMLAH_PEN": population, "JUMLAH_KK": kk}
    return props, geom


def write_area_files(data_dir: Path) -> Path:
    """Two good kelurahan side by side, one with a broken geometry, and bad rows of each kind."""
    codes = data_dir / "idn-area-data"
    write_csv(codes / "provinces.csv", ["code", "name"], [["31", "Daerah Khusus Ibukota Jakarta"]])
    write_csv(
        codes / "regencies.csv",
        ["code", "province_code", "name"],
        [["31.71", "31", "Kota Administrasi Jakarta Pusat"]],
    )
    write_csv(
        codes / "districts.csv", ["code", "regency_code", "name"], [["31.71.01", "31.71", "Gambir"]]
    )
    write_csv(
        codes / "villages.csv",
        ["code", "district_code", "name"],
        [
            ["31.71.01.1001", "31.71.01", "Gambir"],
            ["31.71.01.1002", "31.71.01", "Cideng"],
            ["31.71.01.1003", "31.71.01", "Petojo Utara"],
            ["31.71.99.1001", "31.71.99", "Nowhere"],  # unknown parent code
            ["3171011004", "31.71.01", "No Dots"],  # malformed code
        ],
    )
    write_features(
        data_dir / "dukcapil-batas-desa-2019" / "batas_desa_2019_dki_jakarta.geojson",
        [
            kelurahan_feature("3171011001", "GAMBIR", square(106.81, -6.18), 3088.0, 1088.0),
            # Clockwise on purpose: the importer must turn it counter-clockwise.
            kelurahan_feature("3171011002", "CIDENG", square(106.82, -6.18, clockwise=True)),
            kelurahan_feature(
                "3171011003", "PETOJO UTARA", {"type": "Polygon", "coordinates": [[[1, 2]]]}
            ),
            kelurahan_feature("31888888", "DANAU SUNTER", square(106.9, -6.1), 0.0, 0.0),
            kelurahan_feature("3171019999", "ATLANTIS", square(106.7, -6.1)),
        ],
    )
    return data_dir


def run(command: str, data_dir: Path, *args: str) -> str:
    out = StringIO()
    call_command(command, str(data_dir), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def area_dir(tmp_path: Path) -> Path:
    return write_area_files(tmp_path)


def test_imports_the_tree_with_boundaries_and_sums(db, area_dir):
    out = run("import_areas", area_dir)

    assert "areas: 6 created, 0 updated, 0 unchanged, 5 skipped" in out
    kota = Area.objects.get(code="31.71")
    assert kota.name == "Jakarta Pusat"
    assert kota.level == Area.Level.KOTA
    assert kota.parent is not None and kota.parent.code == "31"
    gambir = Area.objects.get(code="31.71.01.1001")
    assert (gambir.population, gambir.households) == (3088, 1088)
    assert gambir.parent is not None and gambir.parent.code == "31.71.01"
    assert gambir.provenance == "official" and "Dukcapil" in gambir.source
    assert gambir.centroid_lat is not None and gambir.centroid_lon is not None
    assert -6.18 < gambir.centroid_lat < -6.17 and 106.81 < gambir.centroid_lon < 106.82
    # The kecamatan, kota and province sum their kelurahan and dissolve their boundaries.
    for code in ("31.71.01", "31.71", "31"):
        area = Area.objects.get(code=code)
        assert (area.population, area.households) == (4088, 1388)
        assert area.boundary is not None
        assert area.boundary["type"] == "Polygon"  # two adjacent squares merge into one
        assert area.boundary_web and rfc7946_errors(area.boundary_web) == []


def test_boundaries_follow_rfc7946(db, area_dir):
    run("import_areas", area_dir)

    cideng = Area.objects.get(code="31.71.01.1002")
    assert cideng.boundary and rfc7946_errors(cideng.boundary) == []
    assert cideng.boundary_web and rfc7946_errors(cideng.boundary_web) == []


def test_bad_rows_are_reported_with_file_and_row_and_skipped(db, area_dir):
    out = run("import_areas", area_dir)

    assert "villages.csv, row 5: unknown parent code '31.71.99'" in out
    assert "villages.csv, row 6: malformed code '3171011004'" in out
    assert "batas_desa_2019_dki_jakarta.geojson, row 3: PETOJO UTARA (3171011003): broken" in out
    assert "row 4: DANAU SUNTER (31888888) is a lake, not a kelurahan" in out
    assert "row 5: unknown kelurahan code '3171019999' (ATLANTIS)" in out
    # The kelurahan with the broken geometry is still imported, without a boundary.
    petojo = Area.objects.get(code="31.71.01.1003")
    assert petojo.boundary is None and petojo.population is None
    assert "2 of 3 kelurahan have a boundary" in out


def test_second_run_changes_nothing_and_says_so(db, area_dir):
    run("import_areas", area_dir)

    out = run("import_areas", area_dir)

    assert "areas: 0 created, 0 updated, 6 unchanged, 5 skipped (nothing changed)" in out


def test_changed_figure_updates_the_kelurahan_and_its_sums(db, area_dir):
    run("import_areas", area_dir)
    path = area_dir / "dukcapil-batas-desa-2019" / "batas_desa_2019_dki_jakarta.geojson"
    data = json.loads(path.read_text())
    data["features"][0]["properties"]["JUMLAH_KK"] = 1100.0
    path.write_text(json.dumps(data))

    out = run("import_areas", area_dir)

    # Gambir, then Kecamatan Gambir, Jakarta Pusat and the province through their sums.
    assert "areas: 0 created, 4 updated, 2 unchanged" in out
    assert Area.objects.get(code="31").households == 1400


def test_dry_run_changes_nothing(db, area_dir):
    out = run("import_areas", area_dir, "--dry-run")

    assert "areas: 6 created" in out
    assert not Area.objects.exists()


def test_missing_column_aborts_with_nothing_saved(db, area_dir):
    write_csv(
        area_dir / "idn-area-data" / "villages.csv",
        ["code", "name"],
        [["31.71.01.1001", "Gambir"]],
    )

    with pytest.raises(CommandError, match=r"villages.csv: missing column\(s\): district_code"):
        run("import_areas", area_dir)
    assert not Area.objects.exists()


def test_missing_property_aborts_with_nothing_saved(db, area_dir):
    path = area_dir / "dukcapil-batas-desa-2019" / "batas_desa_2019_dki_jakarta.geojson"
    write_features(path, [({"KODE_DESA": "3171011001", "DESA": "GAMBIR"}, square(106.81, -6.18))])

    with pytest.raises(CommandError, match="missing property.*JUMLAH_PEN, JUMLAH_KK"):
        run("import_areas", area_dir)
    assert not Area.objects.exists()


def test_missing_data_directory_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Data directory not found"):
        run("import_areas", tmp_path / "nope")


@pytest.mark.realdata
def test_real_files_give_6_kota_44_kecamatan_267_kelurahan_with_boundaries(db, settings):
    if not settings.KSBB_DATA_DIR:
        pytest.skip("KSBB_DATA_DIR is not set")

    out = run("import_areas", Path(settings.KSBB_DATA_DIR))

    assert Area.objects.filter(level=Area.Level.PROVINCE).count() == 1
    assert Area.objects.filter(level=Area.Level.KOTA).count() == 6
    assert Area.objects.filter(level=Area.Level.KECAMATAN).count() == 44
    kelurahan = Area.objects.kelurahan()
    assert kelurahan.count() == 267
    assert kelurahan.filter(boundary__isnull=False, boundary_web__isnull=False).count() == 267
    assert out.count("is a lake, not a kelurahan") == 2
    province = Area.objects.get(level=Area.Level.PROVINCE)
    assert (province.population, province.households) == (11_011_862, 3_543_305)
    for area in Area.objects.exclude(boundary_web=None):
        assert rfc7946_errors(area.boundary_web) == [], area.code
    assert "(nothing changed)" in run("import_areas", Path(settings.KSBB_DATA_DIR))
