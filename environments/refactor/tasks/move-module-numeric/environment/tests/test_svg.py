import unittest

from planar import Circle, Polygon
from planar.svg import document, element, path_data


class SvgTest(unittest.TestCase):
    def test_path_data(self):
        triangle = Polygon([(0, 0), (1.5, 0), (0, -0.0001)])
        self.assertEqual(path_data(triangle), "M0,0 L1.5,0 L0,0 Z")

    def test_opacity_is_clamped(self):
        self.assertEqual(
            element(Circle((1, 2), 3), opacity=7),
            '<circle cx="1" cy="2" r="3" fill-opacity="1"/>',
        )

    def test_document(self):
        text = document([Polygon([(0, 0), (1, 0), (1, 1)])], 10, 10)
        self.assertTrue(text.startswith('<svg xmlns="http://www.w3.org/2000/svg" width="10"'))
        self.assertIn('<path d="M0,0 L1,0 L1,1 Z" fill-opacity="1"/>', text)

    def test_unknown_shapes(self):
        with self.assertRaises(TypeError):
            element("square")
