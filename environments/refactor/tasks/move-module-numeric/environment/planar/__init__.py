"""planar: 2-D geometry with vectors, polygons, circles, transforms and SVG output."""

from .helpers import EPSILON, approx_equal
from .shapes import Circle, Polygon
from .vector import Vec2

__all__ = ["EPSILON", "Circle", "Polygon", "Vec2", "approx_equal"]
