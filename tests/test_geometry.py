"""The shapely helpers of ksbb.lib.geometry (parse, repair, dissolve, simplify, RFC 7946 output)
and the RFC 7946 check of ksbb.lib.geojson."""

from __future__ import annotations

import random

import pytest
from shapely.geometry import Point, Polygon, shape

from ksbb.lib import geometry
from ksbb.lib.geojson import rfc7946_errors, signed_area


def ring(*points: tuple[float, float]) -> list[list[float]]:
    return [list(p) for p in (*points, points[0])]


CW_SQUARE = {"type": "Polygon", "coordinates": [ring((0, 0), (0, 1), (1, 1), (1, 0))]}
BOWTIE = {"type": "Polygon", "coordinates": [ring((0, 0), (1, 1), (1, 0), (0, 1))]}


def test_from_geojson_reads_a_polygon():
    assert geometry.from_geojson(CW_SQUARE).area == 1


@pytest.mark.parametrize(
    "bad",
    [
        None,
        {"coordinates": []},
        {"type": "Polygon", "coordinates": [[[1, 2]]]},
        {"type": "Polygon", "coordinates": "nonsense"},
        {"type": "Polygon", "coordinates": []},
        {"type": "Blob", "coordinates": [1, 2]},
    ],
)
def test_from_geojson_rejects_broken_geometry(bad):
    with pytest.raises(geometry.GeometryError):
        geometry.from_geojson(bad)


def test_repair_turns_a_bowtie_into_two_triangles_and_says_why():
    repaired, reason = geometry.repair(geometry.from_geojson(BOWTIE))

    assert repaired.geom_type == "MultiPolygon" and repaired.is_valid
    assert repaired.area == pytest.approx(0.5)
    assert reason is not None and reason.startswith("Self-intersection")


def test_repair_leaves_a_valid_polygon_alone():
    repaired, reason = geometry.repair(geometry.from_geojson(CW_SQUARE))

    assert reason is None and repaired.area == 1


def test_repair_keeps_only_polygonal_parts():
    # A square with a spike: make_valid returns the square plus a dangling line.
    spike = Polygon([(0, 0), (1, 0), (1, 1), (0.5, 1), (0.5, 2), (0.5, 1), (0, 1)])

    repaired, reason = geometry.repair(spike)

    assert reason is not None
    assert repaired.geom_type == "Polygon" and repaired.area == pytest.approx(1)


def test_repair_rejects_a_polygon_without_area():
    flat = Polygon([(0, 0), (1, 0), (2, 0), (0, 0)])

    with pytest.raises(geometry.GeometryError):
        geometry.repair(flat)


def test_dissolve_merges_touching_and_keeps_apart_polygons():
    a, b, far = Polygon.from_bounds(0, 0, 1, 1), Polygon.from_bounds(1, 0, 2, 1), Point(9, 9)

    assert geometry.dissolve([a, b]).geom_type == "Polygon"
    assert geometry.dissolve([a, far.buffer(0.5)]).geom_type == "MultiPolygon"


def test_fill_slivers_drops_tiny_holes_only():
    outer = Polygon.from_bounds(0, 0, 1, 1)
    sliver, lake = (
        Polygon.from_bounds(0.1, 0.1, 0.1001, 0.1001),
        Polygon.from_bounds(0.5, 0.5, 0.7, 0.7),
    )
    holed = outer.difference(sliver).difference(lake)

    filled = geometry.fill_slivers(holed)

    assert len(filled.interiors) == 1
    assert filled.area == pytest.approx(1 - 0.04)


def test_simplify_coverage_keeps_shared_borders_shared():
    wiggle = [(1 + (0.001 if i % 2 else 0), i / 100) for i in range(101)]
    left = Polygon([(0, 0), *wiggle, (0, 1)])
    right = Polygon([(2, 0), (2, 1), *reversed(wiggle)])

    simple_left, simple_right = geometry.simplify_coverage([left, right], tolerance=0.01)

    assert len(simple_left.exterior.coords) < len(left.exterior.coords)
    # No gap and no overlap opened between the neighbours.
    assert simple_left.intersection(simple_right).area == pytest.approx(0, abs=1e-12)
    assert simple_left.union(simple_right).area == pytest.approx(left.union(right).area, rel=1e-3)


def test_to_geojson_orients_rings_per_rfc7946_and_rounds():
    outer = [(0.123456789, 0), (0, 1), (1, 1), (1, 0)]  # clockwise
    hole = [(0.2, 0.2), (0.4, 0.2), (0.4, 0.4), (0.2, 0.4)]  # counter-clockwise
    poly = Polygon(outer, [hole])

    out = geometry.to_geojson(poly)

    assert out["type"] == "Polygon"
    assert signed_area(out["coordinates"][0]) > 0  # exterior counter-clockwise
    assert signed_area(out["coordinates"][1]) < 0  # hole clockwise
    assert [0.123457, 0.0] in out["coordinates"][0]
    assert rfc7946_errors(out) == []
    assert isinstance(out["coordinates"][0][0], list)  # lists, as a JSON field reads back


def test_to_geojson_of_a_multipolygon_follows_rfc7946():
    multi = geometry.dissolve([Polygon.from_bounds(0, 0, 1, 1), Polygon.from_bounds(3, 3, 4, 4)])

    out = geometry.to_geojson(multi)

    assert out["type"] == "MultiPolygon" and rfc7946_errors(out) == []
    assert shape(out).area == pytest.approx(2)


def test_rfc7946_errors_spot_clockwise_rings_long_decimals_open_rings_and_range():
    assert rfc7946_errors(CW_SQUARE) == ["exterior ring not counterclockwise or hole not clockwise"]
    ccw = {"type": "Polygon", "coordinates": [ring((0, 0), (1, 0), (1, 1), (0, 1.1234567))]}
    assert rfc7946_errors(ccw) == ["more than 6 decimals: 1.1234567"]
    open_ring = {"type": "Polygon", "coordinates": [ring((0, 0), (1, 0), (1, 1))[:-1]]}
    assert rfc7946_errors(open_ring) == ["ring not closed or too short"]
    assert rfc7946_errors({"type": "Point", "coordinates": [181, 0]}) == [
        "position out of lon/lat range: [181, 0]"
    ]


def test_centroid_lies_inside_a_crescent():
    crescent = Point(0, 0).buffer(1).difference(Point(0.5, 0).buffer(1))

    lat, lon = geometry.centroid(crescent)

    assert crescent.contains(Point(lon, lat))


def test_random_point_inside_is_inside_and_reproducible():
    square = {
        "type": "Polygon",
        "coordinates": [ring((106.8, -6.2), (106.81, -6.2), (106.81, -6.19), (106.8, -6.19))],
    }

    first = geometry.random_point_inside(square, random.Random(7))
    again = geometry.random_point_inside(square, random.Random(7))

    assert first == again and first["type"] == "Point"
    assert shape(square).contains(shape(first))


def test_random_point_inside_a_sliver_falls_back_to_a_point_inside():
    sliver = Polygon([(0, 0), (1, 0), (1, 1e-9)])

    point = geometry.random_point_inside(sliver, random.Random(1), max_tries=5)

    assert point["type"] == "Point"
