"""Where a point lies against a place's boundary, in pure Python (no GEOS).

Boundaries are GeoJSON geometries (``Polygon`` or ``MultiPolygon``, lon/lat
in degrees) as the places keep them. Distances are computed on a local flat
projection around the point (equirectangular, scaled by the cosine of its
latitude): within a governorate's size the error is well under 1%, which is
enough to say "3 km outside".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

EARTH_RADIUS_KM = 6371.0088

Ring = Sequence[Sequence[float]]


def _polygons(geometry: dict) -> list[list[Ring]]:
    """The polygons (each a list of rings, outer first) of a GeoJSON geometry;
    an empty list for anything else."""
    kind = (geometry or {}).get("type")
    coordinates = (geometry or {}).get("coordinates") or []
    if kind == "Polygon":
        return [coordinates]
    if kind == "MultiPolygon":
        return list(coordinates)
    return []


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Ray casting: whether (lon, lat) is inside the closed ``ring``."""
    inside = False
    count = len(ring)
    for i in range(count):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[i - 1][0], ring[i - 1][1]
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
    return inside


def point_in_geometry(geometry: dict, *, lat: float, lon: float) -> bool:
    """Whether the point is inside the GeoJSON ``geometry`` (inside an outer
    ring and outside its holes). False for a geometry that is not a polygon."""
    for rings in _polygons(geometry):
        if rings and _in_ring(lon, lat, rings[0]):
            if not any(_in_ring(lon, lat, hole) for hole in rings[1:]):
                return True
    return False


def _segment_distance(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _rings(geometry: dict) -> Iterable[Ring]:
    for rings in _polygons(geometry):
        yield from rings


def distance_to_boundary_km(geometry: dict, *, lat: float, lon: float) -> float | None:
    """How far the point is from the edge of ``geometry``, in km, on a flat
    projection around the point; None when the geometry has no rings."""
    scale = math.cos(math.radians(lat))
    km_per_degree = math.radians(1) * EARTH_RADIUS_KM
    best = None
    for ring in _rings(geometry):
        points = [((p[0] - lon) * scale, p[1] - lat) for p in ring]
        for i in range(1, len(points)):
            d = _segment_distance(0.0, 0.0, *points[i - 1], *points[i])
            best = d if best is None or d < best else best
    return None if best is None else best * km_per_degree


def distance_outside_km(geometry: dict | None, *, lat: float, lon: float) -> float | None:
    """0 when the point is inside ``geometry``; otherwise how many km outside
    its boundary it is. None when there is no usable boundary."""
    if not geometry or not _polygons(geometry):
        return None
    if point_in_geometry(geometry, lat=lat, lon=lon):
        return 0.0
    return distance_to_boundary_km(geometry, lat=lat, lon=lon)
