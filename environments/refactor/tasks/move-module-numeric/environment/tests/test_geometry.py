import math
import unittest

from planar import EPSILON, Circle, Polygon, Vec2
from planar.transform import rotate, rotate_polygon, scale

SQUARE = Polygon([(0, 0), (2, 0), (2, 2), (0, 2)])


class VectorTest(unittest.TestCase):
    def test_arithmetic(self):
        self.assertEqual(Vec2(1, 2) + Vec2(3, 4) * 2, Vec2(7, 10))
        self.assertEqual(Vec2(3, 4).length, 5)

    def test_angle_to(self):
        self.assertAlmostEqual(Vec2(1, 0).angle_to(Vec2(0, 1)), math.pi / 2)
        self.assertAlmostEqual(Vec2(0, 1).angle_to(Vec2(1, 0)), -math.pi / 2)

    def test_zero_vector_cannot_be_normalized(self):
        with self.assertRaises(ValueError):
            Vec2(0, EPSILON / 10).normalized()


class ShapesTest(unittest.TestCase):
    def test_polygon_measures(self):
        self.assertEqual(SQUARE.area, 4)
        self.assertEqual(SQUARE.perimeter, 8)
        self.assertTrue(SQUARE.centroid.close_to(Vec2(1, 1)))

    def test_contains_counts_edges_as_inside(self):
        self.assertTrue(SQUARE.contains((1, 1)))
        self.assertTrue(SQUARE.contains((2, 1)))
        self.assertFalse(SQUARE.contains((3, 1)))

    def test_circle(self):
        circle = Circle((0, 0), 1)
        self.assertAlmostEqual(circle.area, math.pi)
        self.assertTrue(circle.contains((0.6, 0.8)))
        self.assertFalse(circle.contains((1, 1)))


class TransformTest(unittest.TestCase):
    def test_rotate(self):
        self.assertTrue(rotate(Vec2(1, 0), 90).close_to(Vec2(0, 1)))
        self.assertTrue(rotate(Vec2(2, 1), 540, origin=Vec2(1, 1)).close_to(Vec2(0, 1)))

    def test_rotate_polygon_keeps_area(self):
        turned = rotate_polygon(SQUARE, 45)
        self.assertAlmostEqual(turned.area, 4)
        self.assertTrue(turned.centroid.close_to(Vec2(1, 1)))

    def test_scale(self):
        self.assertEqual(scale(Vec2(2, 2), 3, origin=Vec2(1, 1)), Vec2(4, 4))
