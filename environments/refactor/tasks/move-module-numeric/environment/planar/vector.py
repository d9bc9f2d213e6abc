"""Immutable 2-D vectors (also used as points)."""

import math
from dataclasses import dataclass

from .helpers import approx_equal, normalize_angle


@dataclass(frozen=True)
class Vec2:
    x: float
    y: float

    def __add__(self, other):
        return Vec2(self.x + other.x, self.y + other.y)

    def __sub__(self, other):
        return Vec2(self.x - other.x, self.y - other.y)

    def __mul__(self, k):
        return Vec2(self.x * k, self.y * k)

    __rmul__ = __mul__

    def dot(self, other):
        return self.x * other.x + self.y * other.y

    def cross(self, other):
        return self.x * other.y - self.y * other.x

    @property
    def length(self):
        return math.hypot(self.x, self.y)

    def normalized(self):
        if approx_equal(self.length, 0.0):
            raise ValueError("cannot normalize the zero vector")
        return self * (1.0 / self.length)

    def angle_to(self, other):
        """Signed angle in radians from this vector to `other`, within (-pi, pi]."""
        return normalize_angle(math.atan2(other.y, other.x) - math.atan2(self.y, self.x))

    def close_to(self, other):
        return approx_equal(self.x, other.x) and approx_equal(self.y, other.y)
