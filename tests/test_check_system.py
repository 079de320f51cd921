"""scripts/check_system.py: `make run` installs a missing system package where it can (Debian or
Ubuntu, as root or with passwordless sudo) and otherwise names the one command to run.

No test calls apt-get: the commands go to a recording stand-in.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "check_system.py"


@pytest.fixture
def check_system(monkeypatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_system", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules while the class is built.
    monkeypatch.setitem(sys.modules, "check_system", module)
    spec.loader.exec_module(module)
    return module


class Recorder:
    """Stands in for apt-get: records the commands, and 'installs' by flipping the checks."""

    def __init__(self, on_install=None, succeed: bool = True) -> None:
        self.commands: list[list[str]] = []
        self.on_install = on_install
        self.succeed = succeed

    def __call__(self, commands: list[list[str]]) -> bool:
        self.commands.extend(commands)
        if self.succeed and self.on_install:
            self.on_install()
        return self.succeed


@pytest.fixture
def machine(check_system, monkeypatch):
    """A Debian machine, as root, on which everything is present until a test says otherwise."""
    state = {"gdal": True, "pango": True, "venv": True, "chromium": True}
    checks = {"GDAL": "gdal", "Pango": "pango", "Python venv": "venv", "Chromium": "chromium"}
    patched = [
        dataclasses.replace(r, present=lambda key=checks[r.label]: state[key])
        for r in check_system.REQUIREMENTS
    ]
    monkeypatch.setattr(check_system, "REQUIREMENTS", patched)
    monkeypatch.setattr(check_system, "is_debian_like", lambda: True)
    monkeypatch.setattr(check_system, "privilege_prefix", lambda: [])
    monkeypatch.delenv("KSBB_NO_SYSTEM_INSTALL", raising=False)
    return state


def test_passes_on_this_machine():
    # The test suite itself needs GDAL and Pango, so they are here: nothing is installed.
    result = subprocess.run(
        [sys.executable, SCRIPT],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "KSBB_NO_SYSTEM_INSTALL": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "GDAL, Pango found" in result.stdout
    assert "Installing" not in result.stdout


def test_root_on_debian_installs_what_is_missing_after_one_update(check_system, machine, capsys):
    apt = Recorder(on_install=lambda: machine.update(gdal=True, pango=True))
    machine.update(gdal=False, pango=False)
    assert check_system.main([], run=apt) == 0
    assert apt.commands == [
        ["apt-get", "update", "-q"],
        [
            "apt-get",
            "install",
            "-y",
            "-q",
            "--no-install-recommends",
            "gdal-bin",
            "libpango-1.0-0",
            "libpangoft2-1.0-0",
        ],
    ]
    out = capsys.readouterr().out
    # One line says what is installed and why, before apt-get's own output.
    assert out.splitlines()[0] == (
        "Installing gdal-bin libpango-1.0-0 libpangoft2-1.0-0: needed for "
        "GDAL (map widgets in the admin), Pango (PDF pledge letters)."
    )


def test_passwordless_sudo_installs_through_sudo(check_system, machine, monkeypatch):
    monkeypatch.setattr(check_system, "privilege_prefix", lambda: ["sudo"])
    apt = Recorder(on_install=lambda: machine.update(venv=True))
    machine["venv"] = False
    assert check_system.main([], run=apt) == 0
    assert [command[:2] for command in apt.commands] == [
        ["sudo", "apt-get"],
        ["sudo", "apt-get"],
    ]
    assert apt.commands[1][-1] == "python3-venv"


def test_nothing_missing_runs_no_apt(check_system, machine, capsys):
    apt = Recorder()
    assert check_system.main([], run=apt) == 0
    assert apt.commands == []
    assert "found" in capsys.readouterr().out


def test_chromium_is_wanted_for_tests_only(check_system, machine):
    machine["chromium"] = False
    apt = Recorder(on_install=lambda: machine.update(chromium=True))
    assert check_system.main([], run=apt) == 0
    assert apt.commands == []
    assert check_system.main(["--for", "test"], run=apt) == 0
    assert apt.commands[1][-1] == "chromium"


def test_without_privileges_it_stops_with_the_sudo_command(
    check_system, machine, monkeypatch, capsys
):
    monkeypatch.setattr(check_system, "privilege_prefix", lambda: None)
    machine["gdal"] = False
    apt = Recorder()
    assert check_system.main([], run=apt) == 1
    assert apt.commands == []
    err = capsys.readouterr().err
    assert "Missing: GDAL (map widgets in the admin)." in err
    assert "  sudo apt-get install -y -q --no-install-recommends gdal-bin\n" in err


def test_another_os_stops_with_both_commands(check_system, machine, monkeypatch, capsys):
    monkeypatch.setattr(check_system, "is_debian_like", lambda: False)
    monkeypatch.setattr(check_system.sys, "platform", "linux")
    machine["pango"] = False
    apt = Recorder()
    assert check_system.main([], run=apt) == 1
    assert apt.commands == []
    err = capsys.readouterr().err
    assert "Debian/Ubuntu: sudo apt-get install" in err
    assert "libpango-1.0-0 libpangoft2-1.0-0" in err
    assert "macOS:         brew install pango" in err


def test_macos_gets_the_brew_command(check_system, machine, monkeypatch, capsys):
    monkeypatch.setattr(check_system, "is_debian_like", lambda: False)
    monkeypatch.setattr(check_system.sys, "platform", "darwin")
    machine.update(gdal=False, pango=False)
    assert check_system.main([], run=Recorder()) == 1
    err = capsys.readouterr().err
    assert "  brew install gdal pango" in err
    assert "apt-get" not in err


def test_opting_out_only_checks(check_system, machine, monkeypatch, capsys):
    monkeypatch.setenv("KSBB_NO_SYSTEM_INSTALL", "1")
    machine["gdal"] = False
    apt = Recorder()
    assert check_system.main([], run=apt) == 1
    assert apt.commands == []
    assert "sudo apt-get install" in capsys.readouterr().err


def test_a_failed_apt_get_fails_the_check(check_system, machine, capsys):
    machine["gdal"] = False
    assert check_system.main([], run=Recorder(succeed=False)) == 1
    assert "apt-get did not succeed" in capsys.readouterr().err


def test_a_package_still_missing_after_apt_get_is_named(check_system, machine, capsys):
    machine["gdal"] = False
    assert check_system.main([], run=Recorder()) == 1
    assert "still missing after apt-get: GDAL" in capsys.readouterr().err


def test_old_python_is_refused_before_any_install(check_system, machine, monkeypatch, capsys):
    monkeypatch.setattr(check_system.sys, "version_info", (3, 10, 12))
    monkeypatch.setattr(check_system.sys, "version", "3.10.12 (main)")
    machine["gdal"] = False
    apt = Recorder()
    assert check_system.main([], run=apt) == 1
    assert apt.commands == []
    assert "Python 3.11 or newer is needed; python3 is 3.10.12" in capsys.readouterr().err


def test_a_library_that_will_not_load_counts_as_missing(check_system, monkeypatch):
    def broken(path):
        raise OSError("wrong ELF class")

    monkeypatch.setattr(check_system.ctypes, "CDLL", broken)
    assert check_system.loadable(["gdal"]) is None


@pytest.mark.parametrize(
    ("os_release", "debian_like"),
    [
        ('ID=debian\nVERSION_ID="12"\n', True),
        ("ID=ubuntu\nID_LIKE=debian\n", True),
        ('ID=linuxmint\nID_LIKE="ubuntu debian"\n', True),
        ('ID=fedora\nID_LIKE="rhel centos"\n', False),
    ],
)
def test_debian_and_its_derivatives_are_recognised(
    check_system, monkeypatch, tmp_path, os_release, debian_like
):
    (tmp_path / "os-release").write_text(os_release)
    monkeypatch.setattr(check_system, "OS_RELEASE", tmp_path / "os-release")
    monkeypatch.setattr(check_system.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert check_system.is_debian_like() is debian_like


def test_without_apt_get_nothing_is_debian_like(check_system, monkeypatch):
    monkeypatch.setattr(check_system.shutil, "which", lambda name: None)
    assert check_system.is_debian_like() is False


def test_privileges_root_sudo_or_none(check_system, monkeypatch):
    monkeypatch.setattr(check_system.os, "geteuid", lambda: 0)
    assert check_system.privilege_prefix() == []

    monkeypatch.setattr(check_system.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(check_system.shutil, "which", lambda name: "/usr/bin/sudo")
    sudo_answers = {"code": 0}
    calls: list[list[str]] = []

    def fake_run(command, **kwargs):
        calls.append(command)
        return subprocess.CompletedProcess(command, sudo_answers["code"])

    monkeypatch.setattr(check_system.subprocess, "run", fake_run)
    assert check_system.privilege_prefix() == ["sudo"]
    assert calls == [["sudo", "-n", "true"]]  # never a password prompt

    sudo_answers["code"] = 1
    assert check_system.privilege_prefix() is None

    monkeypatch.setattr(check_system.shutil, "which", lambda name: None)
    assert check_system.privilege_prefix() is None
