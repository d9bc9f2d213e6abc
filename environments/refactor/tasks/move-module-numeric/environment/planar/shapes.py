"""Polygons and circles."""

import math

from . import helpers
from .vector import Vec2


class Polygon:
    def __init__(self, points):
        points = [p if isinstance(p, Vec2) else Vec2(*p) for p in points]
        if len(points) < 3:
            raise ValueError("a polygon needs at least 3 points")
        self.points = points

    def edges(self):
        return list(zip(self.points, self.points[1:] + self.points[:1]))

    @property
    def signed_area(self):
        """Positive when the points run counter-clockwise (shoelace formula)."""
        return sum(a.cross(b) for a, b in self.edges()) / 2.0

    @property
    def area(self):
        return abs(self.signed_area)

    @property
    def perimeter(self):
        return sum((b - a).length for a, b in self.edges())

    @property
    def centroid(self):
        area = self.signed_area
        if helpers.approx_equal(area, 0.0):
            raise ValueError("degenerate polygon has no centroid")
        cx = sum((a.x + b.x) * a.cross(b) for a, b in self.edges()) / (6 * area)
        cy = sum((a.y + b.y) * a.cross(b) for a, b in self.edges()) / (6 * area)
        return Vec2(cx, cy)

    def contains(self, point):
        """Even-odd rule; points on an edge count as inside."""
        point = point if isinstance(point, Vec2) else Vec2(*point)
        inside = False
        for a, b in self.edges():
            if helpers.approx_equal((b - a).cross(point - a), 0.0) and (
                min(a.x, b.x) - helpers.EPSILON <= point.x <= max(a.x, b.x) + helpers.EPSILON
                and min(a.y, b.y) - helpers.EPSILON <= point.y <= max(a.y, b.y) + helpers.EPSILON
            ):
                return True
            if (a.y > point.y) != (b.y > point.y):
                x = a.x + (point.y - a.y) * (b.x - a.x) / (b.y - a.y)
                if x > point.x:
                    inside = not inside
        return inside


class Circle:
    def __init__(self, center, radius):
        if radius < 0:
            raise ValueError("radius must not be negative")
        self.center = center if isinstance(center, Vec2) else Vec2(*center)
        self.radius = radius

    @property
    def area(self):
        return math.pi * self.radius**2

    @property
    def perimeter(self):
        return 2 * math.pi * self.radius

    def contains(self, point):
        point = point if isinstance(point, Vec2) else Vec2(*point)
        distance = (point - self.center).length
        return distance < self.radius or helpers.approx_equal(distance, self.radius)
