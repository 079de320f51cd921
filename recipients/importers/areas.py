"""Import the official area tree: Kemendagri codes and names from idn-area-data, kelurahan
boundaries, population and KK from the Dukcapil 2019 layer, and the higher levels dissolved.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Hashable
from pathlib import Path
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from ksbb.lib import geometry
from recipients.importers.base import DataFileError, Summary, bulk_upsert, progress
from recipients.models import Area, Provenance

M = TypeVar("M", bound=models.Model)
K = TypeVar("K", bound=Hashable)

AREA_DIR = "idn-area-data"
DUKCAPIL_FILE = "dukcapil-batas-desa-2019/batas_desa_2019_dki_jakarta.geojson"

CODES_SOURCE = "Kemendagri codes and names: idn-area-data 4.0.1 (ODbL)"
DUKCAPIL_SOURCE = "boundary, population and KK: Dukcapil Kemendagri, Batas Desa Desember 2019"

# (file, parent column, level, code pattern) from the top of the tree down.
AREA_FILES = [
    ("provinces.csv", None, Area.Level.PROVINCE, r"\d{2}"),
    ("regencies.csv", "province_code", Area.Level.KOTA, r"\d{2}\.\d{2}"),
    ("districts.csv", "regency_code", Area.Level.KECAMATAN, r"\d{2}\.\d{2}\.\d{2}"),
    ("villages.csv", "district_code", Area.Level.KELURAHAN, r"\d{2}\.\d{2}\.\d{2}\.\d{4}"),
]

# Kemendagri names a kota "Kota Administrasi Jakarta Pusat"; everyone else (Dukcapil, the
# COVID-19 files, Jakartans) says "Jakarta Pusat", and the map filter needs it short. The
# prefix only says that a DKI Jakarta kota has no council of its own, so nothing is lost.
ADMINISTRATIVE_PREFIX = re.compile(r"^(Kota|Kabupaten) Administrasi\s+")

DUKCAPIL_COLUMNS = ("KODE_DESA", "DESA", "JUMLAH_PEN", "JUMLAH_KK")


def import_areas(data_dir: Path, summary: Summary) -> None:
    """Province, kota, kecamatan and kelurahan with boundaries and population sums."""
    rows = read_area_codes(data_dir / AREA_DIR, summary)
    official = read_dukcapil(data_dir / DUKCAPIL_FILE, set(rows), summary)
    add_official_figures(rows, official)
    add_aggregates(rows)
    save_areas(rows, summary)
    with_boundary = sum(
        1 for row in rows.values() if row["level"] == Area.Level.KELURAHAN and row["boundary"]
    )
    kelurahan = sum(1 for row in rows.values() if row["level"] == Area.Level.KELURAHAN)
    summary.note(
        _("%(count)d of %(total)d kelurahan have a boundary")
        % {"count": with_boundary, "total": kelurahan}
    )


def read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; a missing file or column aborts the data set."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [name for name in columns if name not in (reader.fieldnames or [])]
            if missing:
                message = _("missing column(s): %(columns)s") % {"columns": ", ".join(missing)}
                raise DataFileError(path, message)
            return [(reader.line_num, row) for row in reader]
    except FileNotFoundError as error:
        raise DataFileError(path, _("file not found")) from error


def read_area_codes(directory: Path, summary: Summary) -> dict[str, dict[str, Any]]:
    """Every area by code, parents first; bad rows are reported and skipped."""
    rows: dict[str, dict[str, Any]] = {}
    for filename, parent_column, level, pattern in AREA_FILES:
        path = directory / filename
        columns = ("code", "name") + ((parent_column,) if parent_column else ())
        for line, row in read_csv(path, columns):
            code, name = (row["code"] or "").strip(), (row["name"] or "").strip()
            parent = (row[parent_column] or "").strip() if parent_column else None
            if not re.fullmatch(pattern, code):
                summary.skip(DataFileError(path, _("malformed code %r") % code, line))
            elif not name:
                summary.skip(DataFileError(path, _("empty name for %s") % code, line))
            elif parent_column and (parent not in rows or not code.startswith(parent + ".")):
                message = _("unknown parent code %(parent)r of %(code)s")
                summary.skip(DataFileError(path, message % {"parent": parent, "code": code}, line))
            elif code in rows:
                summary.skip(DataFileError(path, _("duplicate code %s") % code, line))
            else:
                rows[code] = {
                    "code": code,
                    "level": level,
                    "name": ADMINISTRATIVE_PREFIX.sub("", name),
                    "parent": parent,
                    "boundary": None,
                    "population": None,
                    "households": None,
                }
    return rows


def load_geojson(path: Path) -> list[dict[str, Any]]:
    """The features of a GeoJSON FeatureCollection; unreadable files abort the data set."""
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError as error:
        raise DataFileError(path, _("file not found")) from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DataFileError(path, _("not valid JSON (%s)") % error) from error
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise DataFileError(path, _("not a GeoJSON FeatureCollection"))
    return features


def check_properties(path: Path, features: list[dict[str, Any]], columns: tuple[str, ...]):
    """A property that no feature has is a missing column: abort before saving anything."""
    seen: set[str] = set()
    for feature in features:
        seen.update((feature.get("properties") or {}).keys())
    missing = [name for name in columns if name not in seen]
    if missing:
        message = _("missing property(ies): %(names)s") % {"names": ", ".join(missing)}
        raise DataFileError(path, message)


def read_dukcapil(path: Path, codes: set[str], summary: Summary) -> dict[str, dict[str, Any]]:
    """Kelurahan geometry and figures by Kemendagri code (with dots)."""
    features = load_geojson(path)
    check_properties(path, features, DUKCAPIL_COLUMNS)
    by_plain_code = {code.replace(".", ""): code for code in codes if code.count(".") == 3}
    parts: dict[str, list] = defaultdict(list)
    figures: dict[str, dict[str, int]] = defaultdict(lambda: {"population": 0, "households": 0})
    for number, feature in enumerate(progress(features, desc="kelurahan"), start=1):
        props = feature.get("properties") or {}
        plain, name = str(props.get("KODE_DESA") or ""), props.get("DESA") or "?"
        if str(name).upper().startswith("DANAU SUNTER"):
            message = _("%(name)s (%(code)s) is a lake, not a kelurahan")
            summary.skip(DataFileError(path, message % {"name": name, "code": plain}, number))
            continue
        code = by_plain_code.get(plain)
        if code is None:
            message = _("unknown kelurahan code %(code)r (%(name)s)")
            summary.skip(DataFileError(path, message % {"code": plain, "name": name}, number))
            continue
        try:
            shape, reason = geometry.repair(geometry.from_geojson(feature.get("geometry")))
            population, households = whole(props["JUMLAH_PEN"]), whole(props["JUMLAH_KK"])
        except (geometry.GeometryError, KeyError, ValueError, TypeError) as error:
            message = "%s (%s): %s" % (name, plain, describe(error))  # noqa: UP031
            summary.skip(DataFileError(path, message, number))
            continue
        if reason:
            message = _("%(file)s, row %(row)d: %(name)s geometry repaired (%(reason)s)")
            summary.note(
                message % {"file": path.name, "row": number, "name": name, "reason": reason}
            )
        parts[code].append(shape)
        figures[code]["population"] += population
        figures[code]["households"] += households
    # A kelurahan stored as several features (islands) becomes one multipolygon.
    return {
        code: {"boundary": geometry.dissolve(shapes), **figures[code]}
        for code, shapes in parts.items()
    }


def whole(value: Any) -> int:
    """A count written as a DBF float (21609.0); negative or fractional counts are errors."""
    number = float(value)
    if number < 0 or number != int(number):
        raise ValueError(_("not a count: %r") % value)
    return int(number)


def describe(error: Exception) -> str:
    if isinstance(error, KeyError):
        return _("missing property %s") % error
    if isinstance(error, geometry.GeometryError):
        return _("broken geometry: %s") % error
    return _("bad value: %s") % error


def add_official_figures(rows: dict[str, dict[str, Any]], official: dict[str, dict]) -> None:
    for code, values in official.items():
        rows[code].update(values)


def add_aggregates(rows: dict[str, dict[str, Any]]) -> None:
    """Kecamatan, kota and province boundaries and sums from their kelurahan, then the web
    geometry of each level, simplified as one coverage so neighbours keep shared borders."""
    for level in (Area.Level.KECAMATAN, Area.Level.KOTA, Area.Level.PROVINCE):
        children: dict[str, list[dict]] = defaultdict(list)
        for row in rows.values():
            if row["level"] == level + 1 and row["parent"]:
                children[row["parent"]].append(row)
        for code, kids in children.items():
            shapes = [kid["boundary"] for kid in kids if kid["boundary"] is not None]
            if shapes:
                rows[code]["boundary"] = geometry.fill_slivers(geometry.dissolve(shapes))
            for figure in ("population", "households"):
                known = [kid[figure] for kid in kids if kid[figure] is not None]
                rows[code][figure] = sum(known) if known else None
    for level in Area.Level:
        level_rows = [row for row in rows.values() if row["level"] == level and row["boundary"]]
        simple = geometry.simplify_coverage([row["boundary"] for row in level_rows])
        for row, web in zip(level_rows, simple, strict=True):
            row["boundary_web"] = web


def area_values(row: dict[str, Any], parent_id: int | None) -> dict[str, Any]:
    """The model fields of one area row (GeoJSON, centroid, provenance)."""
    shape = row["boundary"]
    lat, lon = geometry.centroid(shape) if shape is not None else (None, None)
    with_boundary = shape is not None and row["level"] == Area.Level.KELURAHAN
    source = CODES_SOURCE + (f"; {DUKCAPIL_SOURCE}" if with_boundary else "")
    if shape is not None and row["level"] != Area.Level.KELURAHAN:
        source += "; boundary, population and KK: sums of its kelurahan (Dukcapil 2019)"
    return {
        "level": row["level"],
        "name": row["name"],
        "parent_id": parent_id,
        "boundary": geometry.to_geojson(shape) if shape is not None else None,
        "boundary_web": geometry.to_geojson(row["boundary_web"]) if shape is not None else None,
        "centroid_lat": lat,
        "centroid_lon": lon,
        "population": row["population"],
        "households": row["households"],
        "provenance": Provenance.OFFICIAL,
        "source": source[:200],
        "vintage": "codes 2025; boundary and population 2019" if shape is not None else "2025",
    }


def save_areas(rows: dict[str, dict[str, Any]], summary: Summary) -> None:
    """Upsert level by level, so that every parent has its primary key before its children."""
    existing = {area.code: area for area in Area.objects.all()}
    ids = {code: area.pk for code, area in existing.items()}
    for level in Area.Level.values:
        level_rows = {code: row for code, row in rows.items() if row["level"] == level}
        wanted = {
            code: ({"code": code}, area_values(row, ids.get(row["parent"])))
            for code, row in level_rows.items()
        }
        saved = bulk_upsert(Area, summary, wanted, existing)
        ids.update({code: area.pk for code, area in saved.items()})
    extra = len(set(existing) - set(rows))
    if extra:
        message = _("%d areas in the database are not in the files (left as they are)")
        summary.note(message % extra)
