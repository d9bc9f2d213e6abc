"""Affine transforms of points and polygons."""

import math

from planar.helpers import normalize_angle, radians
from planar.shapes import Polygon
from planar.vector import Vec2

ORIGIN = Vec2(0.0, 0.0)


def rotate(point, degrees, origin=ORIGIN):
    """`point` rotated counter-clockwise by `degrees` around `origin`."""
    angle = normalize_angle(radians(degrees))
    c, s = math.cos(angle), math.sin(angle)
    d = point - origin
    return Vec2(origin.x + d.x * c - d.y * s, origin.y + d.x * s + d.y * c)


def translate(point, offset):
    return point + offset


def scale(point, factor, origin=ORIGIN):
    return origin + (point - origin) * factor


def rotate_polygon(polygon, degrees, origin=None):
    """The polygon rotated around `origin` (default: its centroid)."""
    origin = polygon.centroid if origin is None else origin
    return Polygon([rotate(p, degrees, origin) for p in polygon.points])
