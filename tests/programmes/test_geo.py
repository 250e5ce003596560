"""The point-in-polygon and distance helper the visit location check uses,
on a square and on Kirkuk's real boundary."""

from __future__ import annotations

import pytest

from programmes.geo import distance_outside_km, point_in_geometry

# A 1°×1° square (about 111 km a side at the equator) with a hole in its middle.
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]],
        [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6], [0.4, 0.4]],
    ],
}


def test_inside_outside_and_in_a_hole():
    assert point_in_geometry(SQUARE, lat=0.2, lon=0.2)
    assert not point_in_geometry(SQUARE, lat=0.5, lon=0.5)  # the hole
    assert not point_in_geometry(SQUARE, lat=0.5, lon=1.5)
    assert distance_outside_km(SQUARE, lat=0.2, lon=0.2) == 0


def test_distance_outside_is_to_the_nearest_edge_in_km():
    # 0.1° east of the east edge at the equator: 11.1 km.
    assert distance_outside_km(SQUARE, lat=0.5, lon=1.1) == pytest.approx(11.12, abs=0.05)
    # Beyond a corner: the distance to the corner, not to an edge's line.
    assert distance_outside_km(SQUARE, lat=-0.1, lon=-0.1) == pytest.approx(15.72, abs=0.1)


def test_multipolygons_and_missing_boundaries():
    two = {
        "type": "MultiPolygon",
        "coordinates": [SQUARE["coordinates"][:1], [[[5, 5], [6, 5], [6, 6], [5, 5]]]],
    }
    assert point_in_geometry(two, lat=5.2, lon=5.8)
    assert distance_outside_km(None, lat=0, lon=0) is None
    assert distance_outside_km({"type": "Point", "coordinates": [0, 0]}, lat=0, lon=0) is None


@pytest.mark.django_db
def test_kirkuk_city_is_inside_kirkuk_and_basra_far_outside():
    from tests.factories import governorate

    kirkuk = governorate("IQG13").boundary
    assert distance_outside_km(kirkuk, lat=35.4681, lon=44.3922) == 0
    assert 500 < distance_outside_km(kirkuk, lat=30.5085, lon=47.7804) < 700
