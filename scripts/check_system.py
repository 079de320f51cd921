#!/usr/bin/env python3
"""Check the system packages the portal needs before any virtualenv exists, and install them.

Runs with the machine's python3 (standard library only). On Debian/Ubuntu as root or with
passwordless sudo it installs what is missing with apt-get; elsewhere it stops and prints the one
command to run. `--for test` also wants Chromium (browser tests). KSBB_NO_SYSTEM_INSTALL=1 only
checks.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from ctypes.util import find_library
from dataclasses import dataclass
from pathlib import Path

MIN_PYTHON = (3, 11)

# The names Django's GIS loader tries (django/contrib/gis/gdal/libgdal.py), in its order:
# if none of them resolves, django-leaflet's admin widgets fail at import time.
GDAL_NAMES = ["gdal", "GDAL"] + [f"gdal3.{minor}.0" for minor in range(10, 0, -1)]
CHROMIUM = Path("/usr/bin/chromium")
OS_RELEASE = Path("/etc/os-release")


def loadable(names: list[str]) -> str | None:
    """Return the first library name that both resolves and loads, like the real loaders."""
    for name in names:
        path = find_library(name)
        if path is None:
            continue
        try:
            ctypes.CDLL(path)
        except OSError:
            # Found but broken (wrong architecture, missing dependency): keep looking.
            continue
        return path
    return None


def has_venv() -> bool:
    # Debian's python3 ships without ensurepip (python3-venv), so `python3 -m venv` fails.
    return importlib.util.find_spec("ensurepip") is not None


@dataclass(frozen=True)
class Requirement:
    """One system package the portal needs, how to tell it is there, and how to get it."""

    label: str
    why: str
    present: Callable[[], bool]
    apt: tuple[str, ...]
    brew: tuple[str, ...] = ()
    for_tests_only: bool = False


REQUIREMENTS = [
    Requirement("Python venv", "for .venv", has_venv, ("python3-venv",)),
    Requirement(
        "GDAL",
        "map widgets in the admin",
        lambda: loadable(GDAL_NAMES) is not None,
        ("gdal-bin",),
        ("gdal",),
    ),
    # WeasyPrint (the pledge letter PDF) loads Pango through these two names.
    Requirement(
        "Pango",
        "PDF pledge letters",
        lambda: loadable(["pango-1.0"]) is not None and loadable(["pangoft2-1.0"]) is not None,
        ("libpango-1.0-0", "libpangoft2-1.0-0"),
        ("pango",),
    ),
    Requirement(
        "Chromium",
        "browser tests",
        CHROMIUM.exists,
        ("chromium",),
        for_tests_only=True,
    ),
]


def missing_requirements(purpose: str) -> list[Requirement]:
    return [
        requirement
        for requirement in REQUIREMENTS
        if (purpose == "test" or not requirement.for_tests_only) and not requirement.present()
    ]


def python_problem() -> str | None:
    if sys.version_info >= MIN_PYTHON:
        return None
    return "Python {}.{} or newer is needed; python3 is {}.".format(
        *MIN_PYTHON, sys.version.split()[0]
    )


def is_debian_like() -> bool:
    """Debian, Ubuntu and their derivatives, where apt-get installs the packages named here."""
    if shutil.which("apt-get") is None:
        return False
    try:
        fields = dict(
            line.split("=", 1) for line in OS_RELEASE.read_text().splitlines() if "=" in line
        )
    except OSError:
        return False
    ids = f"{fields.get('ID', '')} {fields.get('ID_LIKE', '')}".replace('"', "").split()
    return bool({"debian", "ubuntu"} & set(ids))


def privilege_prefix() -> list[str] | None:
    """[] as root, ["sudo"] with passwordless sudo, None when packages cannot be installed."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") is None:
        return None
    # -n: never ask for a password; `make run` must not hang on a prompt.
    probe = subprocess.run(["sudo", "-n", "true"], capture_output=True)
    return ["sudo"] if probe.returncode == 0 else None


@dataclass(frozen=True)
class Plan:
    """What to do about the missing packages: run `commands`, or stop and print `message`."""

    commands: list[list[str]]
    message: str


def plan(
    missing: Sequence[Requirement],
    *,
    debian_like: bool,
    prefix: list[str] | None,
    allow_install: bool,
) -> Plan:
    """Decide between installing (Debian/Ubuntu with the rights to) and naming the command."""
    apt = [package for requirement in missing for package in requirement.apt]
    brew = [package for requirement in missing for package in requirement.brew]
    reasons = ", ".join(f"{r.label} ({r.why})" for r in missing)
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *apt]
    if debian_like and prefix is not None and allow_install:
        return Plan(
            commands=[[*prefix, "apt-get", "update", "-q"], [*prefix, *install]],
            message=f"Installing {' '.join(apt)}: needed for {reasons}.",
        )
    lines = [f"Missing: {reasons}. Install, then run the command again:"]
    if debian_like:
        lines.append("  sudo " + " ".join(install))
    elif sys.platform == "darwin" and brew:
        lines.append("  brew install " + " ".join(brew))
    else:
        lines.append("  Debian/Ubuntu: sudo " + " ".join(install))
        if brew:
            lines.append("  macOS:         brew install " + " ".join(brew))
    return Plan(commands=[], message="\n".join(lines))


def run_commands(commands: list[list[str]]) -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return all(subprocess.run(command, env=env).returncode == 0 for command in commands)


def main(
    argv: Sequence[str] | None = None, run: Callable[[list[list[str]]], bool] = run_commands
) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--for", dest="purpose", choices=["run", "test"], default="run")
    purpose = parser.parse_args(argv).purpose

    problem = python_problem()
    if problem:
        # apt cannot swap the system's python3 for a newer one, so this one is always a stop.
        print(f"System check failed: {problem}", file=sys.stderr)
        print(
            "Install Python 3.11+ (Debian/Ubuntu: sudo apt-get install python3; "
            "macOS: brew install python@3.11) and make sure `python3` runs it.",
            file=sys.stderr,
        )
        return 1
    missing = missing_requirements(purpose)
    if missing:
        decision = plan(
            missing,
            debian_like=is_debian_like(),
            prefix=privilege_prefix(),
            allow_install=os.environ.get("KSBB_NO_SYSTEM_INSTALL", "") in ("", "0"),
        )
        if not decision.commands:
            print(decision.message, file=sys.stderr)
            return 1
        print(decision.message, flush=True)
        if not run(decision.commands):
            print("System check failed: apt-get did not succeed (see above).", file=sys.stderr)
            return 1
        still = missing_requirements(purpose)
        if still:
            names = ", ".join(requirement.label for requirement in still)
            print(f"System check failed: still missing after apt-get: {names}.", file=sys.stderr)
            return 1
    names = ", ".join(r.label for r in REQUIREMENTS if purpose == "test" or not r.for_tests_only)
    print(f"System check: Python {sys.version.split()[0]}, {names} found.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
