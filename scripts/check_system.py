#!/usr/bin/env python3
"""Check the system libraries the portal needs before any virtualenv exists.

Runs with the machine's python3 (standard library only) so that `make run` can say which
library is missing and how to install it, instead of failing later with a traceback.
"""

from __future__ import annotations

import ctypes
import sys
from ctypes.util import find_library

MIN_PYTHON = (3, 11)

# The names Django's GIS loader tries (django/contrib/gis/gdal/libgdal.py), in its order:
# if none of them resolves, django-leaflet's admin widgets fail at import time.
GDAL_NAMES = ["gdal", "GDAL"] + [f"gdal3.{minor}.0" for minor in range(10, 0, -1)]
# WeasyPrint (the pledge letter PDF) loads Pango through these two names.
PANGO_NAMES = {"Pango": ["pango-1.0"], "PangoFT2": ["pangoft2-1.0"]}

INSTALL_HINT = """\
Install the missing system libraries, then run the command again:
  Debian/Ubuntu: sudo apt-get install gdal-bin libpango-1.0-0 libpangoft2-1.0-0
  macOS:         brew install gdal pango"""


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


def problems() -> list[str]:
    found: list[str] = []
    if sys.version_info < MIN_PYTHON:
        found.append(
            "Python {}.{} or newer is needed; python3 is {}.".format(
                *MIN_PYTHON, sys.version.split()[0]
            )
        )
    if loadable(GDAL_NAMES) is None:
        found.append("GDAL library not found (map widgets in the admin need it).")
    for label, names in PANGO_NAMES.items():
        if loadable(names) is None:
            found.append(f"{label} library not found (PDF pledge letters need it).")
    return found


def main() -> int:
    missing = problems()
    if not missing:
        print("System check: Python, GDAL and Pango found.")
        return 0
    print("System check failed:", file=sys.stderr)
    for line in missing:
        print(f"  - {line}", file=sys.stderr)
    if any("library" in line for line in missing):
        print(INSTALL_HINT, file=sys.stderr)
    if sys.version_info < MIN_PYTHON:
        print(
            "Install Python 3.11+ (Debian/Ubuntu: sudo apt-get install python3; "
            "macOS: brew install python@3.11) and make sure `python3` runs it.",
            file=sys.stderr,
        )
    return 1


if __name__ == "__main__":
    sys.exit(main())
