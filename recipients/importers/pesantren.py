"""Importer of the Kemenag list of pondok pesantren (kemenag-pesantren/pesantren/*.json) as
Recipients of kind PESANTREN.

The list has no coordinates and no kelurahan field, only a kota code and a free-text address,
so each pesantren is placed as follows:
- Its kota is `kab_kota.id` (Kemendagri code without the dot: 3175 -> 31.75).
- The address is searched for the names of that kota's kelurahan, ignoring case, spaces and
  punctuation but only on word boundaries ("Bale Kambang" finds Balekambang, "Jati" is not
  found inside "Kramatjati"). Where names overlap the longest wins ("Kramat Jati", not
  "Jati"). Of the names left, one right after "Kel."/"Kelurahan" wins; a name right after
  "Kec."/"Kecamatan" is ignored; a name outside a street name ("Jl. Kapuk Muara") beats one
  inside it; then the earliest wins, because Indonesian addresses name the kelurahan before
  the kecamatan ("Rorotan Cilincing": Cilincing is also a kelurahan, but here the kecamatan).
  A street named after a kelurahan is still a guess at its kelurahan: the best this list
  allows.
- Found: area = that kelurahan, location = the kelurahan's centroid moved by a small offset
  derived from the record's key (at most ~170 m), so that pesantren of one kelurahan do not
  stack on one point; location_approximate stays False, as the issue asks. The point is only
  as precise as the kelurahan: the UI tells that from the area's level (kelurahan).
- Not found: area = the kota, location = the kota's centroid with a wider offset (~450 m),
  location_approximate = True.
The key is "pesantren:<NSPP>", or "pesantren:id:<id>" when the NSPP is missing or shared by
several records. A re-import overwrites the imported fields (an admin's edit of them is lost)
but never touches is_active, residents or needs.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from recipients.importers.base import DataFileError, Summary, progress, upsert
from recipients.models import Area, Provenance, Recipient

PESANTREN_DIR = Path("kemenag-pesantren") / "pesantren"
SOURCE = "Kemenag, Direktorat PD Pontren (via nasrul21/data-pesantren-indonesia)"
KELURAHAN_MARKERS = {"KEL", "KELURAHAN", "DESA"}
KECAMATAN_MARKERS = {"KEC", "KECAMATAN"}
STREET_WORDS = {"JL", "JLN", "JALAN", "GG", "GANG"}
STREET_ENDS = {"NO", "NOMOR", "RT", "RW", "BLOK", "KM", "KAV", "KOTA"}
STREET_ENDS |= KELURAHAN_MARKERS | KECAMATAN_MARKERS
# Longest kelurahan name in words (e.g. "Halim Perdana Kusumah"), bounding the n-grams tried.
MAX_NAME_WORDS = 4
KELURAHAN_SPREAD = 0.0015  # degrees, ~170 m
KOTA_SPREAD = 0.004  # degrees, ~450 m


def squash(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def find_kelurahan(address: str, kelurahan: dict[str, Area]) -> Area | None:
    """The kelurahan an address names, from `kelurahan` keyed by squashed name (see docstring)."""
    words = re.findall(r"[A-Z0-9]+", address.upper())
    matches = []  # (start, end, area): the longest name found at each start
    for start in range(len(words)):
        if start and words[start - 1] in KECAMATAN_MARKERS:
            continue
        for end in range(min(start + MAX_NAME_WORDS, len(words)), start, -1):
            area = kelurahan.get("".join(words[start:end]))
            if area is not None:
                matches.append((start, end, area))
                break
    # A name inside a longer one found earlier ("Jati" in "Kramat Jati") is not a match.
    matches = [m for m in matches if not any(o[0] < m[0] and m[1] <= o[1] for o in matches)]

    street = street_words(words)

    def rank(match: tuple[int, int, Area]) -> tuple[bool, bool, int]:
        start = match[0]
        return (start > 0 and words[start - 1] in KELURAHAN_MARKERS, not street[start], -start)

    return max(matches, key=rank)[2] if matches else None


def street_words(words: list[str]) -> list[bool]:
    """Which words belong to a street name: from "Jl."/"Gg." to a number, RT/RW, "Kel.", ..."""
    flags, inside = [], False
    for word in words:
        if word in STREET_WORDS:
            inside = True
        elif word in STREET_ENDS or any(char.isdigit() for char in word):
            inside = False
        flags.append(inside)
    return flags


def jittered_point(area: Area, key: str, spread: float) -> dict[str, Any] | None:
    """A GeoJSON Point near the area's centroid, offset deterministically by `key`."""
    if area.centroid_lat is None or area.centroid_lon is None:
        return None
    digest = hashlib.sha256(key.encode()).digest()
    angle = digest[0] / 256 * 2 * math.pi
    # sqrt spreads the points evenly over the disc instead of crowding its centre.
    radius = spread * math.sqrt((digest[1] + 1) / 256)
    lon = round(area.centroid_lon + radius * math.cos(angle), 6)
    lat = round(area.centroid_lat + radius * math.sin(angle), 6)
    return {"type": "Point", "coordinates": [lon, lat]}


def load_records(data_dir: Path) -> list[tuple[Path, int, dict[str, Any]]]:
    """(file, 1-based index, record) of every record of every file, in file order."""
    folder = data_dir / PESANTREN_DIR
    paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not paths:
        raise DataFileError(folder, _("no pesantren files (<kab_kota>.json)"))
    records = []
    for path in paths:
        try:
            with path.open(encoding="utf-8") as handle:
                items = json.load(handle)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise DataFileError(path, _("not valid JSON: %(error)s") % {"error": error}) from None
        if not isinstance(items, list):
            raise DataFileError(path, _("expected a list of pesantren"))
        records += [(path, index, item) for index, item in enumerate(items, start=1)]
    return records


def text(record: dict[str, Any], field: str) -> str:
    value = record.get(field)
    return " ".join(str(value).split()) if value is not None else ""


def source_keys(records: list[tuple[Path, int, dict[str, Any]]]) -> list[str | None]:
    """The key of each record: its NSPP when unique in the list, else its record id."""
    nspps = Counter(
        text(record, "nspp") for _path, _index, record in records if isinstance(record, dict)
    )
    keys: list[str | None] = []
    for _path, _index, record in records:
        nspp = text(record, "nspp") if isinstance(record, dict) else ""
        record_id = text(record, "id") if isinstance(record, dict) else ""
        if nspp and nspps[nspp] == 1:
            keys.append(f"pesantren:{nspp}")
        else:
            keys.append(f"pesantren:id:{record_id}" if record_id else None)
    return keys


def import_pesantren(data_dir: Path, summary: Summary) -> None:
    """Create or update one Recipient per pesantren of the Kemenag list."""
    records = load_records(data_dir)
    areas = Area.objects.filter(level__in=[Area.Level.KOTA, Area.Level.KELURAHAN])
    kotas = {area.code: area for area in areas if area.level == Area.Level.KOTA}
    if not kotas:
        raise DataFileError(data_dir, _("no kota in the database: import the areas first"))
    kelurahan_of: dict[str, dict[str, Area]] = {code: {} for code in kotas}
    for area in areas:
        if area.level == Area.Level.KELURAHAN and area.code[:5] in kelurahan_of:
            kelurahan_of[area.code[:5]][squash(area.name)] = area
    placed: Counter[str] = Counter()
    keys = source_keys(records)
    for (path, index, record), key in progress(
        zip(records, keys, strict=True), desc="pesantren", total=len(records)
    ):
        try:
            values = recipient_values(path, index, record, key, kotas, kelurahan_of)
        except DataFileError as error:
            summary.skip(error)
            continue
        placed["kelurahan" if values["area"].level == Area.Level.KELURAHAN else "kota"] += 1
        area = values.pop("area")
        upsert(Recipient, summary, {"source_key": key}, {**values, "area_id": area.pk})
    summary.note(
        _(
            "placed at the kelurahan their address names: %(kelurahan)d; "
            "at their kota only, location approximate: %(kota)d"
        )
        % {"kelurahan": placed["kelurahan"], "kota": placed["kota"]}
    )


def recipient_values(
    path: Path,
    index: int,
    record: Any,
    key: str | None,
    kotas: dict[str, Area],
    kelurahan_of: dict[str, dict[str, Area]],
) -> dict[str, Any]:
    """The Recipient fields of one record, or DataFileError saying why it cannot be used."""
    if not isinstance(record, dict):
        raise DataFileError(path, _("expected an object"), row=index)
    name, address = text(record, "nama"), text(record, "alamat")
    if not name:
        raise DataFileError(path, missing_message("nama"), row=index)
    if key is None:
        raise DataFileError(path, missing_message("nspp / id"), row=index)
    kab_kota = record.get("kab_kota")
    plain = text(kab_kota, "id") if isinstance(kab_kota, dict) else ""
    if not plain:
        raise DataFileError(path, missing_message("kab_kota.id"), row=index)
    kota = kotas.get(f"{plain[:2]}.{plain[2:]}")
    if kota is None:
        message = _("unknown kab_kota.id %(code)s (no such kota among the imported areas)")
        raise DataFileError(path, message % {"code": plain}, row=index)
    kelurahan = find_kelurahan(address, kelurahan_of[kota.code])
    location = kelurahan and jittered_point(kelurahan, key, KELURAHAN_SPREAD)
    return {
        "kind": Recipient.Kind.PESANTREN,
        "name": name[:200],
        "area": kelurahan or kota,
        "location": location or jittered_point(kota, key, KOTA_SPREAD),
        # Only a point at the kota's centre is approximate; see the module docstring.
        "location_approximate": location is None,
        "address": address[:300],
        "pj_name": text(record, "kyai")[:100],
        "provenance": Provenance.OFFICIAL,
        "source": SOURCE,
    }


def missing_message(field: str) -> str:
    return _("missing field %(field)s") % {"field": field}
