"""Import the RW polygons of Jakarta Smart City (nusantr-jakarta) and attach each RW to its
Kemendagri kelurahan by a spatial join, since the layer only carries BPS codes.

How an RW finds its kelurahan: the layer says which BPS kelurahan each RW belongs to, but BPS
and Kemendagri number kelurahan differently. So each BPS kelurahan is matched, as a whole, to
the Dukcapil kelurahan polygon that its RWs overlap most. Joining RW by RW (representative
point in polygon) would be simpler but is worse on the real files: the 2017 RW layer and the
2019 kelurahan layer disagree along ~40 borders, which sends those RWs to a neighbouring
kelurahan where their number is already taken (36 clashes). The point-in-polygon test is still
reported, and used for an RW whose BPS kelurahan code is missing.

Two source RWs that still land on the same (kelurahan, number) are merged into one RW: an RW
number is unique in its kelurahan, so they are parts of one RW under two codes (the layer has
one such RW with a truncated BPS code). Both codes are kept in source_ref and the merge is
reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from ksbb.lib import geometry
from recipients.importers.areas import check_properties, load_geojson
from recipients.importers.base import DataFileError, Summary, bulk_upsert, progress
from recipients.models import RW, Area, Provenance

RW_FILE = "nusantr-jakarta/jakarta_rw.geojson"
RW_COLUMNS = ("rw_id", "rw", "kelurahan_id")

RW_LABEL = re.compile(r"RW\s*(\d{1,3})", re.IGNORECASE)
# BPS codes of non-residential polygons (cemeteries, an industrial estate, a prison, a park)
# end in RW 099 or 999.
NOT_RW_CODES = ("099000", "999000")


class NotAnRW(ValueError):
    """A polygon of the RW layer that is not an RW (its reason goes to the report)."""


@dataclass
class SourceRW:
    """One RW of the source file: its codes, number and polygon parts."""

    rw_ids: list[str]
    number: int
    bps_kelurahan: str
    name: str
    parts: list[BaseGeometry] = field(default_factory=list)
    shape: BaseGeometry | None = None


def import_rws(data_dir: Path, summary: Summary) -> None:
    """RW polygons attached to the kelurahan already imported (run import_areas first)."""
    path = data_dir / RW_FILE
    kelurahan = list(
        Area.objects.kelurahan()
        .filter(boundary__isnull=False)
        .only("id", "code", "name", "boundary")
        .order_by("code")
    )
    if not kelurahan:
        message = _("no kelurahan boundaries in the database: import areas first")
        raise DataFileError(path, message)
    features = load_geojson(path)
    check_properties(path, features, RW_COLUMNS)
    rws = read_rws(path, features, summary)
    attached = attach(rws, kelurahan, summary)
    save_rws(attached, summary)


def rw_number(rw_id: str, label: str) -> int:
    """The RW number from the label ("RW 01", "RW13", "RW 010"), else from the BPS code
    (digits 11-13 of the 16-digit rw_id); NotAnRW if the polygon is no RW."""
    if label:
        match = RW_LABEL.fullmatch(label)
        if not match:
            raise NotAnRW(_("label %r names no RW") % label)
        number = int(match.group(1))
    elif len(rw_id) == 16 and rw_id.isdigit() and not rw_id.endswith(NOT_RW_CODES):
        number = int(rw_id[10:13])
    else:
        raise NotAnRW(_("no RW label and a BPS code of a non-residential area"))
    if number == 0:
        raise NotAnRW(_("label %r gives RW number 0") % label)
    return number


def read_rws(path: Path, features: list[dict[str, Any]], summary: Summary) -> list[SourceRW]:
    """One SourceRW per rw_id, its polygons merged; bad and non-RW features skipped."""
    by_id: dict[str, SourceRW] = {}
    for row, feature in enumerate(progress(features, desc="RW polygons"), start=1):
        props = feature.get("properties") or {}
        rw_id = str(props.get("rw_id") or "").strip()
        label = str(props.get("rw") or "").strip()
        kelurahan = props.get("kelurahan") or ""
        name = f"{label or _('(no label)')} {kelurahan} [{rw_id}]".strip()
        try:
            if not rw_id:
                raise NotAnRW(_("no rw_id"))
            number = rw_number(rw_id, label)
            shape, reason = geometry.repair(geometry.from_geojson(feature.get("geometry")))
        except NotAnRW as error:
            message = _("%(name)s: not an RW (%(reason)s)") % {"name": name, "reason": error}
            summary.skip(DataFileError(path, message, row))
            continue
        except geometry.GeometryError as error:
            message = _("%(name)s: broken geometry (%(error)s)") % {"name": name, "error": error}
            summary.skip(DataFileError(path, message, row))
            continue
        if reason:
            message = _("%(file)s, row %(row)d: %(name)s invalid polygon repaired (%(reason)s)")
            summary.note(message % {"file": path.name, "row": row, "name": name, "reason": reason})
        source = by_id.get(rw_id)
        if source is None:
            bps = str(props.get("kelurahan_id") or "").strip()
            source = by_id[rw_id] = SourceRW([rw_id], number, bps, name)
        source.parts.append(shape)
    split = []
    for source in by_id.values():
        source.shape = geometry.dissolve(source.parts)
        if len(source.parts) > 1:
            split.append(f"{source.rw_ids[0]} ({len(source.parts)})")
    if split:
        message = _(
            "%(count)d RWs came as several polygons and were merged (rw_id and number of "
            "polygons): %(list)s"
        )
        summary.note(message % {"count": len(split), "list": ", ".join(split)})
    return list(by_id.values())


def attach(
    rws: list[SourceRW], kelurahan: list[Area], summary: Summary
) -> dict[tuple[Area, int], list[SourceRW]]:
    """Source RWs grouped by the (kelurahan, number) they belong to; see the module docstring."""
    if not rws:
        return {}
    kel_shapes = [geometry.from_geojson(area.boundary) for area in kelurahan]
    tree = shapely.STRtree(kel_shapes)
    shapes = []
    for rw in rws:
        assert rw.shape is not None  # read_rws() dissolves the parts of every RW it returns
        shapes.append(rw.shape)

    # Overlap area of each BPS kelurahan (or of an RW without one) with each kelurahan.
    group_of = [rw.bps_kelurahan or f"rw:{rw.rw_ids[0]}" for rw in rws]
    overlap: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    rw_index, kel_index = tree.query(shapes, predicate="intersects")
    rw_array, kel_array = np.empty(len(shapes), object), np.empty(len(kel_shapes), object)
    rw_array[:], kel_array[:] = shapes, kel_shapes
    areas = shapely.area(shapely.intersection(rw_array[rw_index], kel_array[kel_index]))
    for i, j, area in zip(rw_index.tolist(), kel_index.tolist(), areas.tolist(), strict=True):
        overlap[group_of[i]][j] += area
    best = {
        group: max(shares, key=shares.__getitem__) for group, shares in overlap.items() if shares
    }

    points = [shape.representative_point() for shape in shapes]
    point_index, point_kel = tree.query(points, predicate="within")
    point_in = dict(zip(point_index.tolist(), point_kel.tolist(), strict=True))

    groups: dict[tuple[Area, int], list[SourceRW]] = defaultdict(list)
    elsewhere = 0
    for i, rw in enumerate(rws):
        j = best.get(group_of[i]) if rw.bps_kelurahan else point_in.get(i, best.get(group_of[i]))
        if j is None:
            summary.skip(_("%s: lies outside every kelurahan boundary (not attached)") % rw.name)
            continue
        if i in point_in and point_in[i] != j:
            elsewhere += 1
        groups[(kelurahan[j], rw.number)].append(rw)
    if elsewhere:
        message = _(
            "%d RWs lie (by their representative point) in a neighbouring kelurahan of the 2019 "
            "boundaries; attached to the kelurahan their source names"
        )
        summary.note(message % elsewhere)
    for (area, number), sources in groups.items():
        if len(sources) > 1:
            codes = ", ".join(code for rw in sources for code in rw.rw_ids)
            message = _("RW %(number)02d %(kelurahan)s: merged source RWs %(codes)s (same number)")
            summary.note(message % {"number": number, "kelurahan": area.name, "codes": codes})
    return groups


def save_rws(groups: dict[tuple[Area, int], list[SourceRW]], summary: Summary) -> None:
    """Upsert geometry, number and source fields only: households and Ketua RW belong to the
    demo generator, and re-importing the polygons must not wipe them."""
    keys = list(groups)
    merged = [geometry.dissolve(rw.shape for rw in groups[key]) for key in keys]
    web = geometry.simplify_coverage(merged)
    wanted = {}
    for key, shape, web_shape in zip(keys, merged, web, strict=True):
        area, number = key
        codes = sorted(code for rw in groups[key] for code in rw.rw_ids)
        wanted[(area.pk, number)] = (
            {"kelurahan_id": area.pk, "number": number},
            {
                "boundary": geometry.to_geojson(shape),
                "boundary_web": geometry.to_geojson(web_shape),
                "boundary_provenance": Provenance.OFFICIAL,
                "source_ref": ",".join(codes)[:200],
            },
        )
    existing = {
        (rw.kelurahan_id, rw.number): rw
        for rw in RW.objects.only(
            "id",
            "kelurahan_id",
            "number",
            "boundary",
            "boundary_web",
            "boundary_provenance",
            "source_ref",
        )
    }
    bulk_upsert(RW, summary, wanted, existing)
    message = _("%(count)d RWs attached to %(kelurahan)d kelurahan")
    summary.note(message % {"count": len(wanted), "kelurahan": len({key[0] for key in wanted})})
    extra = len(set(existing) - set(wanted))
    if extra:
        summary.note(_("%d RWs in the database are not in the file (left as they are)") % extra)
