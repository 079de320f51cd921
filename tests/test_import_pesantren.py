"""The pesantren importer: each record placed at the kelurahan its address names, else at its
kota with the location flagged approximate; idempotent, bad records reported and skipped."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from recipients.importers.base import DataFileError, Summary, run_data_set
from recipients.importers.pesantren import find_kelurahan, import_pesantren, squash
from recipients.models import Area, Provenance, Recipient

pytestmark = pytest.mark.usefixtures("english")

KELURAHAN = {
    # name: (kecamatan code, kelurahan code, centroid lat, lon)
    "Kramat Jati": ("31.75.04", "31.75.04.1001", -6.270, 106.866),
    "Balekambang": ("31.75.04", "31.75.04.1002", -6.283, 106.850),
    "Jati": ("31.75.02", "31.75.02.1005", -6.196, 106.899),
    "Penggilingan": ("31.75.06", "31.75.06.1006", -6.200, 106.945),
    "Baru": ("31.75.01", "31.75.01.1003", -6.320, 106.870),
    "Rawamangun": ("31.75.02", "31.75.02.1006", -6.194, 106.887),
    "Rorotan": ("31.75.06", "31.75.06.1009", -6.140, 106.950),
    "Cilincing": ("31.75.06", "31.75.06.1010", -6.120, 106.940),
}


def make_areas() -> dict[str, Area]:
    """Jakarta Timur (31.75) with a few kelurahan whose names overlap or hide in streets.
    (Rorotan and Cilincing really are in Jakarta Utara; here they sit in 31.75 to test the
    kelurahan-before-kecamatan rule within one kota.)"""
    province = Area.objects.create(code="31", level=1, name="DKI Jakarta")
    kota = Area.objects.create(
        code="31.75",
        level=2,
        name="Jakarta Timur",
        parent=province,
        centroid_lat=-6.25,
        centroid_lon=106.90,
    )
    found = {"kota": kota}
    for name, (kecamatan_code, code, lat, lon) in KELURAHAN.items():
        kecamatan, _ = Area.objects.get_or_create(
            code=kecamatan_code, defaults={"level": 3, "name": kecamatan_code, "parent": kota}
        )
        found[name] = Area.objects.create(
            code=code, level=4, name=name, parent=kecamatan, centroid_lat=lat, centroid_lon=lon
        )
    return found


@pytest.fixture
def areas_timur(db) -> dict[str, Area]:
    return make_areas()


def record(id_: str, nspp: str, name: str, address: str, kota: str = "3175") -> dict:
    return {
        "id": id_,
        "nama": name,
        "nspp": nspp,
        "alamat": address,
        "kyai": "KH. Ahmad Contoh",
        "kab_kota": {"id": kota, "nama": "Kota Jakarta Timur"},
        "provinsi": {"id": "31", "nama": "DKI Jakarta"},
    }


def write_records(data_dir: Path, records: object, name: str = "3175.json") -> None:
    folder = data_dir / "kemenag-pesantren" / "pesantren"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(records))


@pytest.fixture
def data_dir(tmp_path: Path, areas_timur) -> Path:
    write_records(
        tmp_path,
        [
            record("1", "510031750001", "Nurul Hijrah", "Jl Penggilingan Baru Iv Rt.001/004."),
            record("2", "510031750002", "Al Kenaniyah", "Jl. Munggang No.25 Bale Kambang."),
            record("3", "510031750003", "Nurul Ibad", "Jl Gorda I No.44."),
            record("4", "510031750004", "Al Hamid", "Jl Raya Penggilingan No.36."),
        ],
    )
    write_records(tmp_path, [], name="3171.json")  # Jakarta Pusat's file is really empty
    return tmp_path


def run(data_dir: Path, *, dry_run: bool = False) -> Summary:
    return run_data_set(import_pesantren, data_dir, "pesantren", dry_run=dry_run)


# --- placement ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("Jl. Munggang No.25 Bale Kambang, Kramat Jati.", "Balekambang"),
        ("Jl. Raya Kramat Jati No. 5.", "Kramat Jati"),
        ("Jl. Malaka Iv Rt.013/Rw.006 No.65 Rorotan Cilincing.", "Rorotan"),
        ("Jl. Anggrek No.1, Kec. Cilincing, Kel. Rorotan.", "Rorotan"),
        ("Jl Penggilingan Baru Iv Rt.001/004.", "Penggilingan"),
        ("Jl Cipinang Baru Raya No.25 Rawamangun.", "Rawamangun"),
        ("Jl. Anggrek No.1, Kec. Cilincing.", None),
        ("Jl. Pejatian No. 3.", None),
        ("Jl. Raya Bogor Km.22 No.22.", None),
        ("", None),
    ],
)
def test_address_names_kelurahan(address, expected):
    kelurahan = {squash(name): Area(name=name) for name in KELURAHAN}
    found = find_kelurahan(address, kelurahan)
    assert (found.name if found else None) == expected


# --- import ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pesantren_whose_address_names_a_kelurahan_is_placed_there(data_dir, areas_timur):
    run(data_dir)
    pesantren = Recipient.objects.get(source_key="pesantren:510031750002")
    assert pesantren.kind == Recipient.Kind.PESANTREN
    assert pesantren.area == areas_timur["Balekambang"]
    assert pesantren.location_approximate is False
    assert pesantren.location is not None
    lon, lat = pesantren.location["coordinates"]
    assert abs(lat - -6.283) < 0.0016 and abs(lon - 106.850) < 0.0016
    assert (pesantren.name, pesantren.pj_name) == ("Al Kenaniyah", "KH. Ahmad Contoh")
    assert pesantren.address == "Jl. Munggang No.25 Bale Kambang."
    assert pesantren.provenance == Provenance.OFFICIAL


@pytest.mark.django_db
def test_pesantren_without_a_kelurahan_sits_at_its_kota_flagged_approximate(data_dir, areas_timur):
    summary = run(data_dir)
    pesantren = Recipient.objects.get(source_key="pesantren:510031750003")
    assert pesantren.area == areas_timur["kota"]
    assert pesantren.location_approximate is True
    assert pesantren.location is not None
    lon, lat = pesantren.location["coordinates"]
    assert abs(lat - -6.25) < 0.005 and abs(lon - 106.90) < 0.005
    assert summary.notes == [
        "placed at the kelurahan their address names: 3; "
        "at their kota only, location approximate: 1"
    ]


@pytest.mark.django_db
def test_pesantren_of_one_kelurahan_get_distinct_points(data_dir, areas_timur):
    run(data_dir)
    both = Recipient.objects.filter(area=areas_timur["Penggilingan"])
    assert both.count() == 2
    assert len({json.dumps(r.location) for r in both}) == 2


@pytest.mark.django_db
def test_missing_or_shared_nspp_falls_back_to_the_record_id(tmp_path, areas_timur):
    write_records(
        tmp_path,
        [
            record("7", "", "Tanpa NSPP", "Jl Gorda."),
            record("8", "510031759999", "Kembar A", "Jl Gorda."),
            record("9", "510031759999", "Kembar B", "Jl Gorda."),
        ],
    )
    assert run(tmp_path).created == 3
    keys = set(Recipient.objects.values_list("source_key", flat=True))
    assert keys == {"pesantren:id:7", "pesantren:id:8", "pesantren:id:9"}


@pytest.mark.django_db
def test_bad_records_are_skipped_by_file_and_row_and_good_ones_load(tmp_path, areas_timur):
    write_records(
        tmp_path,
        [
            record("1", "510031750001", "Nurul Hijrah", "Jl Gorda."),
            record("2", "510031750002", "", "Jl Gorda."),
            record("3", "510031750003", "Al Hamid", "Jl Gorda.", kota="3199"),
            "not a record",
        ],
    )
    summary = run(tmp_path)
    assert summary.skipped == [
        "3175.json, row 2: missing field nama",
        "3175.json, row 3: unknown kab_kota.id 3199 (no such kota among the imported areas)",
        "3175.json, row 4: expected an object",
    ]
    assert summary.created == 1


@pytest.mark.django_db
def test_invalid_json_names_the_file(tmp_path, areas_timur):
    write_records(tmp_path, [])
    (tmp_path / "kemenag-pesantren" / "pesantren" / "3175.json").write_text("[{")
    with pytest.raises(DataFileError, match=r"3175.json: not valid JSON"):
        run(tmp_path)


@pytest.mark.django_db
def test_second_run_changes_nothing_and_a_changed_address_moves_the_pesantren(
    data_dir, areas_timur
):
    run(data_dir)
    summary = run(data_dir)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 4)
    write_records(
        data_dir,
        [record("3", "510031750003", "Nurul Ibad", "Jl Gorda I No.44, Kel. Rawamangun.")],
    )
    assert run(data_dir).updated == 1
    moved = Recipient.objects.get(source_key="pesantren:510031750003")
    assert (moved.area, moved.location_approximate) == (areas_timur["Rawamangun"], False)


@pytest.mark.django_db
def test_reimport_leaves_an_admins_deactivation_alone(data_dir):
    run(data_dir)
    Recipient.objects.filter(source_key="pesantren:510031750001").update(is_active=False)
    assert not run(data_dir).changed
    assert not Recipient.objects.get(source_key="pesantren:510031750001").is_active


@pytest.mark.django_db
def test_without_areas_the_import_says_to_import_them_first(tmp_path):
    write_records(tmp_path, [record("1", "1", "A", "Jl Gorda.")])
    with pytest.raises(DataFileError, match="import the areas first"):
        run(tmp_path)


@pytest.mark.django_db
def test_command_dry_run_reports_and_saves_nothing(data_dir):
    out = StringIO()
    call_command("import_pesantren", str(data_dir), "--dry-run", stdout=out)
    assert "Pesantren (Kemenag): 4 created" in out.getvalue()
    assert not Recipient.objects.exists()


@pytest.mark.django_db
def test_command_bad_file_raises_a_clear_error(tmp_path, areas_timur):
    write_records(tmp_path, {"not": "a list"})
    with pytest.raises(CommandError, match=r"3175.json: expected a list of pesantren"):
        call_command("import_pesantren", str(tmp_path), stdout=StringIO())


# --- the real files ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.realdata
@pytest.mark.skipif(not settings.KSBB_DATA_DIR, reason="KSBB_DATA_DIR is not set")
def test_real_list_gives_102_pesantren_each_with_a_point():
    areas = pytest.importorskip("recipients.importers.areas", reason="import_areas not there")
    real = Path(settings.KSBB_DATA_DIR)
    run_data_set(areas.import_areas, real, "areas")
    summary = run(real)
    assert (summary.created, summary.skipped) == (102, [])
    pesantren = Recipient.objects.filter(kind=Recipient.Kind.PESANTREN)
    assert pesantren.count() == 102
    assert not pesantren.filter(location__isnull=True).exists()
    by_kota = {
        code: pesantren.filter(area__code__startswith=code).count()
        for code in ("31.01", "31.71", "31.72", "31.73", "31.74", "31.75")
    }
    assert by_kota == {"31.01": 1, "31.71": 0, "31.72": 14, "31.73": 24, "31.74": 18, "31.75": 45}
    at_kelurahan = pesantren.filter(area__level=Area.Level.KELURAHAN)
    assert at_kelurahan.count() >= 50
    assert not at_kelurahan.filter(location_approximate=True).exists()
    assert not pesantren.filter(area__level=Area.Level.KOTA, location_approximate=False).exists()
    assert not run(real).changed
