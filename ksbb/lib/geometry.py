"""Shapely helpers for the GeoJSON geometry the portal stores in JSON fields (no PostGIS):
parse, repair, dissolve, simplify for the web map, and write RFC 7946 GeoJSON back out.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import (
    LineString,
    MultiLineString,
    MultiPolygon,
    Point,
    Polygon,
    mapping,
    shape,
)
from shapely.geometry.base import BaseGeometry

from ksbb.lib.geojson import PRECISION

# Coverage simplification tolerance in degrees (the square root of the smallest triangle area
# kept, ~11 m in Jakarta). Measured on the real RW layer: borders move by 2.5 m at the median and
# 15 m at most, areas by 0.4 % at the 95th percentile, and the whole layer of ~2,700 RWs fits in
# ~330 KB gzipped, under the 400 KB budget (see bench/README.md).
WEB_TOLERANCE = 0.0001

# Holes smaller than this (in square degrees, ~1,200 m2) left in a union of kelurahan are gaps
# between neighbouring source polygons, not lakes: the real holes in Jakarta are > 100,000 m2.
SLIVER_AREA = 1e-7


class GeometryError(ValueError):
    """A geometry that cannot be read or repaired into a polygon."""


def from_geojson(geometry: dict[str, Any] | None) -> BaseGeometry:
    """A shapely geometry from a GeoJSON geometry object; GeometryError if it is unusable."""
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise GeometryError(_("not a GeoJSON geometry object"))
    try:
        geom = shape(geometry)
    except (
        shapely.errors.ShapelyError,
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
    ) as error:
        message = _("unreadable %(type)s geometry (%(error)s)")
        raise GeometryError(message % {"type": geometry.get("type"), "error": error}) from error
    if geom.is_empty:
        raise GeometryError(_("empty geometry"))
    return geom


def polygonal(geom: BaseGeometry) -> Polygon | MultiPolygon | None:
    """Only the polygonal parts of a geometry (drops the lines/points make_valid can leave)."""
    if isinstance(geom, Polygon | MultiPolygon):
        return None if geom.is_empty else geom
    parts = [
        part
        for part in shapely.get_parts(geom)
        if isinstance(part, Polygon | MultiPolygon) and not part.is_empty
    ]
    if not parts:
        return None
    return as_polygonal(shapely.union_all(parts))


def as_polygonal(geom: BaseGeometry) -> Polygon | MultiPolygon:
    """A union can return a collection holding only polygons: make it a MultiPolygon."""
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    polys = [part for part in shapely.get_parts(geom) if isinstance(part, Polygon)]
    return MultiPolygon(polys) if len(polys) > 1 else polys[0]


def repair(geom: BaseGeometry) -> tuple[Polygon | MultiPolygon, str | None]:
    """A valid (Multi)Polygon and, if it had to be repaired, why (for the import report).

    Raises GeometryError when nothing polygonal is left (e.g. a ring collapsed to a line).
    """
    reason = None
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        geom = shapely.make_valid(geom)
    result = polygonal(geom)
    if result is None or result.area == 0:
        raise GeometryError(_("no polygon area left (%(why)s)") % {"why": reason or geom.geom_type})
    return result, reason


def dissolve(geoms: Iterable[BaseGeometry]) -> Polygon | MultiPolygon:
    """The union of polygons (a split RW, or the kelurahan of a kecamatan)."""
    geoms = list(geoms)
    if len(geoms) == 1:
        return as_polygonal(geoms[0])
    merged = shapely.union_all(geoms)
    return polygonal(merged) or as_polygonal(merged)


def fill_slivers(geom: Polygon | MultiPolygon, max_area: float = SLIVER_AREA):
    """Drop the holes smaller than max_area (gaps between the polygons that were dissolved)."""
    polys = []
    for poly in shapely.get_parts(geom):
        holes = [ring for ring in poly.interiors if Polygon(ring).area >= max_area]
        polys.append(Polygon(poly.exterior, holes))
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def simplify_coverage(
    geoms: Sequence[BaseGeometry], tolerance: float = WEB_TOLERANCE
) -> list[Polygon | MultiPolygon]:
    """Simplify neighbouring polygons together so that shared edges stay shared.

    Coverage simplification keeps the borders of adjacent RWs/kelurahan identical, which
    per-polygon simplification does not (it opens slivers between neighbours). A result that
    comes out invalid or empty (possible where the source polygons overlap) falls back to a
    topology-preserving simplification of that polygon alone.
    """
    if not geoms:
        return []
    simplified = shapely.coverage_simplify(list(geoms), tolerance)
    out = []
    for original, simple in zip(geoms, simplified, strict=True):
        result = polygonal(simple) if not simple.is_empty and simple.is_valid else None
        if result is None:
            result = polygonal(original.simplify(tolerance, preserve_topology=True)) or original
        out.append(result)
    return out


def borders(
    polygons: Sequence[BaseGeometry], without: BaseGeometry | None = None, *, outer: bool = True
) -> MultiLineString:
    """The outlines of neighbouring polygons as lines, each shared edge once, less what lies
    on `without` (e.g. the kota borders under the kecamatan ones) and, with outer=False, less
    the outline of the whole (a coast, which the fill of the polygons already shows).

    Exact for a coverage whose neighbours share their vertices (simplify_coverage's output,
    or unions of it): there a shared edge is the same segment on both sides.
    """
    if not polygons:
        return MultiLineString()
    lines = shapely.union_all([shapely.boundary(poly) for poly in polygons])
    drop = [] if without is None or without.is_empty else [without]
    if not outer:
        drop.append(shapely.boundary(dissolve(polygons)))
    if drop and not lines.is_empty:
        lines = lines.difference(shapely.union_all(drop))
    merged = shapely.line_merge(lines) if not lines.is_empty else lines
    parts = [part for part in shapely.get_parts(merged) if isinstance(part, LineString)]
    return MultiLineString([part for part in parts if part.length > 0])


def _round_ring(ring: BaseGeometry, decimals: int) -> list[list[float]]:
    # numpy rounds k / 10**d exactly like round(): same doubles, same short JSON, much faster.
    coords = np.round(shapely.get_coordinates(ring), decimals)
    # Rounding can collapse neighbouring vertices: keep the first of each run.
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = np.any(coords[1:] != coords[:-1], axis=1)
    return coords[keep].tolist()


def to_geojson(geom: BaseGeometry, decimals: int = PRECISION) -> dict[str, Any]:
    """An RFC 7946 GeoJSON geometry: lon/lat, exterior rings counter-clockwise, holes
    clockwise, coordinates rounded, nested lists (so it compares equal to what a JSON field
    reads back, which keeps re-imports idempotent)."""
    if isinstance(geom, Polygon | MultiPolygon):
        # Snap to the grid first so that rounding cannot make the polygon invalid.
        geom = shapely.set_precision(geom, 10**-decimals)
        geom = as_polygonal(geom) if not geom.is_empty else geom
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    if isinstance(geom, Polygon):
        return {"type": "Polygon", "coordinates": _polygon_coords(geom, decimals)}
    if isinstance(geom, MultiPolygon):
        return {
            "type": "MultiPolygon",
            "coordinates": [_polygon_coords(part, decimals) for part in geom.geoms],
        }
    if isinstance(geom, Point):
        return {"type": "Point", "coordinates": [round(geom.x, decimals), round(geom.y, decimals)]}
    if isinstance(geom, LineString):
        return {"type": "LineString", "coordinates": _round_ring(geom, decimals)}
    if isinstance(geom, MultiLineString):
        lines = [_round_ring(line, decimals) for line in geom.geoms]
        return {"type": "MultiLineString", "coordinates": [line for line in lines if len(line) > 1]}
    return _lists(mapping(geom))


def _polygon_coords(poly: Polygon, decimals: int) -> list[list[list[float]]]:
    rings = [poly.exterior, *poly.interiors]
    return [_round_ring(ring, decimals) for ring in rings]


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(item) for item in value]
    return value


def centroid(geom: BaseGeometry) -> tuple[float, float]:
    """(lat, lon) of a point guaranteed to lie inside the polygon (a true centroid of a
    crescent-shaped kelurahan can fall outside it), rounded to PRECISION decimals."""
    point = geom.representative_point()
    return round(point.y, PRECISION), round(point.x, PRECISION)


def random_point_inside(
    geometry: dict[str, Any] | BaseGeometry, rng: random.Random, max_tries: int = 1000
) -> dict[str, Any]:
    """A GeoJSON Point drawn uniformly inside a polygon, reproducible through `rng`.

    Rejection sampling in the bounding box; after max_tries (a very thin polygon) it falls back
    to the representative point, so the demo generator never fails.
    """
    geom = geometry if isinstance(geometry, BaseGeometry) else from_geojson(geometry)
    shapely.prepare(geom)
    min_x, min_y, max_x, max_y = geom.bounds
    for _attempt in range(max_tries):
        point = Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
        if geom.contains(point):
            return to_geojson(point)
    return to_geojson(geom.representative_point())
