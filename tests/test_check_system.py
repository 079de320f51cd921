"""scripts/check_system.py: `make run` names a missing system library and how to install it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "check_system.py"


@pytest.fixture
def check_system() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_system", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_passes_on_this_machine():
    # The test suite itself needs GDAL and Pango, so they are here.
    result = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "GDAL and Pango found" in result.stdout


def test_missing_gdal_prints_the_install_commands(check_system, monkeypatch, capsys):
    monkeypatch.setattr(
        check_system, "find_library", lambda name: None if "gdal" in name.lower() else name
    )
    monkeypatch.setattr(check_system.ctypes, "CDLL", lambda path: object())
    assert check_system.main() == 1
    err = capsys.readouterr().err
    assert "GDAL library not found" in err
    assert "Pango library not found" not in err
    assert "sudo apt-get install gdal-bin libpango-1.0-0 libpangoft2-1.0-0" in err
    assert "brew install gdal pango" in err


def test_missing_pango_is_named(check_system, monkeypatch, capsys):
    monkeypatch.setattr(
        check_system, "find_library", lambda name: None if "pango" in name else name
    )
    monkeypatch.setattr(check_system.ctypes, "CDLL", lambda path: object())
    assert check_system.main() == 1
    err = capsys.readouterr().err
    assert "Pango library not found" in err
    assert "PangoFT2 library not found" in err
    assert "GDAL library not found" not in err


def test_a_library_that_will_not_load_counts_as_missing(check_system, monkeypatch):
    def broken(path):
        raise OSError("wrong ELF class")

    monkeypatch.setattr(check_system.ctypes, "CDLL", broken)
    assert check_system.loadable(["gdal"]) is None


def test_old_python_is_refused(check_system, monkeypatch, capsys):
    monkeypatch.setattr(check_system.sys, "version_info", (3, 10, 12))
    monkeypatch.setattr(check_system.sys, "version", "3.10.12 (main)")
    assert check_system.main() == 1
    assert "Python 3.11 or newer is needed; python3 is 3.10.12" in capsys.readouterr().err
