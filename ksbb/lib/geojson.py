"""GeoJSON (RFC 7946) helpers on plain dicts: features, rounding, ring orientation, and the one
check of what RFC 7946 output must be (geometry.py does the shapely work: parse, repair, write).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

# 6 decimals is ~11 cm at the equator: more than a web map needs, and RFC 7946 suggests it.
PRECISION = 6

Geometry = dict[str, Any]


def feature(geometry: Geometry | None, properties: Mapping[str, Any], fid: Any = None) -> dict:
    out: dict[str, Any] = {"type": "Feature"}
    if fid is not None:
        out["id"] = fid
    out["geometry"] = geometry
    out["properties"] = dict(properties)
    return out


def feature_collection(features: Iterable[dict]) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def dumps(data: Any) -> bytes:
    """Compact JSON as UTF-8 bytes: no spaces, non-ASCII kept (Indonesian names)."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def point(lon: float, lat: float) -> Geometry:
    return {"type": "Point", "coordinates": [round(lon, PRECISION), round(lat, PRECISION)]}


def signed_area(ring: list[list[float]]) -> float:
    """Twice the signed area of a ring (shoelace): positive when counterclockwise."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        total += x1 * y2 - x2 * y1
    return total


def _round_ring(ring: list, ccw: bool) -> list:
    rounded = [[round(c[0], PRECISION), round(c[1], PRECISION)] for c in ring]
    if (signed_area(rounded) > 0) != ccw:
        rounded.reverse()
    return rounded


def _polygon(rings: list) -> list:
    # RFC 7946 section 3.1.6: exterior rings counterclockwise, holes clockwise.
    return [_round_ring(ring, ccw=(i == 0)) for i, ring in enumerate(rings)]


def normalise(geometry: Geometry | None) -> Geometry | None:
    """Round to PRECISION decimals and orient rings per RFC 7946 (for unsimplified input)."""
    if not geometry:
        return None
    kind = geometry.get("type")
    # Nested lists whose depth depends on `kind`: no static type says more than Any.
    coords: Any = geometry.get("coordinates")
    if kind == "Point":
        return point(coords[0], coords[1])
    if kind == "Polygon":
        return {"type": kind, "coordinates": _polygon(coords)}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [_polygon(p) for p in coords]}
    return geometry


def in_range(lon: float, lat: float) -> bool:
    """A longitude and latitude within the WGS 84 range that RFC 7946 positions use."""
    return -180 <= lon <= 180 and -90 <= lat <= 90


def is_closed_ring(ring: list) -> bool:
    """A linear ring: at least four positions, the last one repeating the first."""
    return len(ring) >= 4 and ring[0] == ring[-1]


def rfc7946_errors(geometry: Geometry | None) -> list[str]:
    """What keeps a geometry from being the RFC 7946 output this portal writes (empty when
    nothing): positions in range with at most PRECISION decimals, closed rings, exterior rings
    counterclockwise and holes clockwise. A null geometry is allowed (RFC 7946 section 3.2)."""
    errors: list[str] = []
    if geometry is None:
        return errors
    kind = geometry.get("type")
    coords: Any = geometry.get("coordinates")  # nesting depends on `kind`, as in normalise()

    def check_position(pos: list) -> None:
        if not in_range(pos[0], pos[1]):
            errors.append(f"position out of lon/lat range: {pos}")
        errors.extend(
            f"more than {PRECISION} decimals: {value}"
            for value in pos
            if round(value, PRECISION) != value
        )

    def check_polygon(rings: list) -> None:
        for i, ring in enumerate(rings):
            if not is_closed_ring(ring):
                errors.append("ring not closed or too short")
            for pos in ring:
                check_position(pos)
            if (signed_area(ring) > 0) != (i == 0):
                errors.append("exterior ring not counterclockwise or hole not clockwise")

    if kind == "Point":
        check_position(coords)
    elif kind == "Polygon":
        check_polygon(coords)
    elif kind == "MultiPolygon":
        for polygon in coords:
            check_polygon(polygon)
    else:
        errors.append(f"unexpected geometry type {kind!r}")
    return errors
