"""What `make run` calls: load_data (the reference data of fixtures/, then the real data or the
generated demo data set), generate_demo and create_demo_admin (a random password, printed once)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from ksbb.lib.reference_data import load_reference_data
from recipients.management.commands import create_demo_admin, load_data
from recipients.models import RW, Area, CaseReport, Need, Package, Recipient

pytestmark = pytest.mark.django_db

PASSWORD = re.compile(r"password: (\S+)")


@pytest.fixture(autouse=True)
def _no_data_dir(settings):
    settings.KSBB_DATA_DIR = ""


@pytest.fixture(autouse=True)
def _english(english):
    """The commands print in Indonesian by default (tests/test_translations.py); these tests
    read their English text."""


def run(*args: str, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out, **options)
    return out.getvalue()


def printed_password(output: str) -> str:
    match = PASSWORD.search(output)
    assert match, output
    return match.group(1)


def counts() -> tuple[int, ...]:
    models = (Area, RW, Recipient, Need, CaseReport)
    return tuple(model.objects.count() for model in models)


# --- load_data --------------------------------------------------------------------------------


def test_load_data_without_a_data_dir_loads_the_demo_data_set():
    output = run("load_data")
    assert "demo data set" in output
    assert Area.objects.filter(code="99").exists()
    assert Recipient.objects.filter(kind=Recipient.Kind.PRIORITY_RW).exists()


def test_load_data_twice_duplicates_nothing_and_says_so():
    run("load_data")
    before = counts()
    output = run("load_data")
    assert counts() == before
    assert "0 created, 0 updated" in output and "(nothing changed)" in output


def test_load_data_dry_run_saves_nothing():
    output = run("load_data", dry_run=True)
    assert "Dry run" in output
    assert counts() == (0, 0, 0, 0, 0)
    assert not Package.objects.exists()


def test_load_data_does_not_mix_the_demo_province_into_official_areas(areas):
    before = counts()
    output = run("load_data")
    assert "official areas" in output
    assert counts() == before


def test_load_data_with_a_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Data directory not found"):
        run("load_data", str(tmp_path / "missing"))


def test_load_data_with_a_data_dir_runs_import_jakarta_with_dry_run(
    tmp_path, settings, monkeypatch
):
    calls = []
    monkeypatch.setattr(load_data, "get_commands", lambda: {"import_jakarta": "recipients"})
    monkeypatch.setattr(load_data, "call_command", lambda *a, **kw: calls.append((a, kw)))
    settings.KSBB_DATA_DIR = str(tmp_path)
    run("load_data", dry_run=True)
    assert [args[0] for args, _kw in calls] == ["load_reference_data", "import_jakarta"]
    assert calls[1][0] == ("import_jakarta", str(tmp_path))
    assert calls[1][1]["dry_run"] is True
    assert counts() == (0, 0, 0, 0, 0)  # no demo data set beside the real data


def test_load_data_without_the_import_command_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(load_data, "get_commands", lambda: {})
    with pytest.raises(CommandError, match="import_jakarta"):
        run("load_data", str(tmp_path))


# --- load_reference_data ----------------------------------------------------------------------

CATALOGUE = ["sembako", "siap-saji", "lebaran", "thr"]


def test_load_data_loads_the_package_catalogue_before_the_demo_needs():
    assert not Package.objects.exists()  # the data migration seeds nothing any more
    output = run("load_data")
    assert "packages.json: 4 created, 0 already present" in output
    assert list(Package.objects.values_list("code", flat=True)) == CATALOGUE
    assert Need.objects.filter(package__code="sembako").exists()


def test_reference_data_loaded_twice_changes_nothing():
    run("load_reference_data")
    before = list(Package.objects.values())
    output = run("load_reference_data")
    assert "packages.json: 0 created, 4 already present" in output
    assert list(Package.objects.values()) == before


def test_an_admins_edit_of_a_package_survives_another_load():
    load_reference_data()
    Package.objects.filter(code="sembako").update(
        name="Paket Sembako 2021", reference_value=250_000
    )
    Package.objects.filter(code="thr").update(is_active=False)
    load_reference_data()
    sembako, thr = Package.objects.get(code="sembako"), Package.objects.get(code="thr")
    assert (sembako.name, sembako.reference_value) == ("Paket Sembako 2021", 250_000)
    assert not thr.is_active  # a package an admin retired stays retired


def test_a_deleted_package_comes_back_on_the_next_load():
    load_reference_data()
    Package.objects.filter(code="lebaran").delete()
    loaded = {item.file: item for item in load_reference_data()}["packages.json"]
    assert (loaded.created, loaded.kept) == (1, 3)
    assert Package.objects.get(code="lebaran").name == "Paket Lebaran"


def test_load_reference_data_dry_run_saves_nothing():
    output = run("load_reference_data", dry_run=True)
    assert "4 created" in output
    assert not Package.objects.exists()


def test_every_fixture_file_loads_in_name_order(tmp_path):
    water = {"code": "air", "name": "Air", "unit": "galon", "reference_value": 20_000}
    rows = [{"model": "recipients.package", "fields": {**water, "basis": "household"}}]
    (tmp_path / "b.json").write_text(json.dumps(rows))
    (tmp_path / "a.json").write_text("[]")
    assert [str(loaded) for loaded in load_reference_data(tmp_path)] == [
        "a.json: 0 created, 0 already present (left as they are)",
        "b.json: 1 created, 0 already present (left as they are)",
    ]


def test_a_fixture_row_with_a_primary_key_is_refused(tmp_path):
    # A pk names a different row in each database: saving it could overwrite an unrelated row.
    (tmp_path / "packages.json").write_text(
        json.dumps([{"model": "recipients.package", "pk": 1, "fields": {"code": "x"}}])
    )
    with pytest.raises(ValueError, match="carry no pk"):
        load_reference_data(tmp_path)
    assert not Package.objects.exists()


# --- generate_demo ----------------------------------------------------------------------------


def test_generate_demo_standalone_then_parts_changes_nothing_the_second_time():
    assert "Demo data set" in run("generate_demo", standalone=True)
    before = counts()
    output = run("generate_demo")
    assert "Demo parts: 0 created, 0 updated" in output
    assert counts() == before


def test_generate_demo_dry_run_saves_nothing(areas):
    run("generate_demo", dry_run=True)
    assert not Recipient.objects.exists()


# --- create_demo_admin ------------------------------------------------------------------------


def test_create_demo_admin_prints_a_working_random_password_once():
    output = run("create_demo_admin")
    password = printed_password(output)
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.is_staff
    assert user.check_password(password)
    assert len(password) >= 16
    assert "shown only this once" in output


def test_second_run_prints_no_password_and_keeps_the_old_one():
    password = printed_password(run("create_demo_admin"))
    output = run("create_demo_admin")
    assert "already exists" in output
    assert not PASSWORD.search(output)
    assert get_user_model().objects.get(username="admin").check_password(password)


def test_reset_password_prints_a_new_password():
    old = printed_password(run("create_demo_admin"))
    new = printed_password(run("create_demo_admin", reset_password=True))
    assert new != old
    user = get_user_model().objects.get(username="admin")
    assert user.check_password(new) and not user.check_password(old)


def test_two_databases_get_different_passwords_none_of_them_in_the_code():
    first = printed_password(run("create_demo_admin"))
    get_user_model().objects.all().delete()  # as on a second, fresh database
    second = printed_password(run("create_demo_admin"))
    assert first != second
    source = Path(create_demo_admin.__file__).read_text()
    assert first not in source and second not in source
