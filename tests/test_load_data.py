"""What `make run` calls: load_data (real data or the generated demo data set), generate_demo
and create_demo_admin (a random password, printed once)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from recipients.management.commands import create_demo_admin, load_data
from recipients.models import RW, Area, CaseReport, Need, Recipient

pytestmark = pytest.mark.django_db

PASSWORD = re.compile(r"password: (\S+)")


@pytest.fixture(autouse=True)
def _no_data_dir(settings):
    settings.KSBB_DATA_DIR = ""


def run(*args: str, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out, **options)
    return out.getvalue()


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
    assert calls[0][0] == ("import_jakarta", str(tmp_path))
    assert calls[0][1]["dry_run"] is True
    assert counts() == (0, 0, 0, 0, 0)  # no demo data set beside the real data


def test_load_data_without_the_import_command_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(load_data, "get_commands", lambda: {})
    with pytest.raises(CommandError, match="import_jakarta"):
        run("load_data", str(tmp_path))


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
    password = PASSWORD.search(output).group(1)
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.is_staff
    assert user.check_password(password)
    assert len(password) >= 16
    assert "shown only this once" in output


def test_second_run_prints_no_password_and_keeps_the_old_one():
    password = PASSWORD.search(run("create_demo_admin")).group(1)
    output = run("create_demo_admin")
    assert "already exists" in output
    assert not PASSWORD.search(output)
    assert get_user_model().objects.get(username="admin").check_password(password)


def test_reset_password_prints_a_new_password():
    old = PASSWORD.search(run("create_demo_admin")).group(1)
    new = PASSWORD.search(run("create_demo_admin", reset_password=True)).group(1)
    assert new != old
    user = get_user_model().objects.get(username="admin")
    assert user.check_password(new) and not user.check_password(old)


def test_two_databases_get_different_passwords_none_of_them_in_the_code():
    first = PASSWORD.search(run("create_demo_admin")).group(1)
    get_user_model().objects.all().delete()  # as on a second, fresh database
    second = PASSWORD.search(run("create_demo_admin")).group(1)
    assert first != second
    source = Path(create_demo_admin.__file__).read_text()
    assert first not in source and second not in source
