"""Numeric helpers shared by the geometry modules: tolerances, clamping and angles."""

import math

EPSILON = 1e-9


def approx_equal(a, b, eps=EPSILON):
    """Equal within an absolute tolerance `eps`, or within `eps` relative to the larger value."""
    return abs(a - b) <= max(eps, eps * max(abs(a), abs(b)))


def clamp(value, low, high):
    if low > high:
        raise ValueError(f"empty range [{low}, {high}]")
    return max(low, min(high, value))


def normalize_angle(angle):
    """The same angle in radians within (-pi, pi]."""
    angle = math.fmod(angle, 2 * math.pi)
    if angle <= -math.pi:
        angle += 2 * math.pi
    elif angle > math.pi:
        angle -= 2 * math.pi
    return angle


def radians(degrees):
    return degrees * math.pi / 180.0


def degrees(radians):
    return radians * 180.0 / math.pi
