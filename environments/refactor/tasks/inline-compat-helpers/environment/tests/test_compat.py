import unittest

from feedkit.compat import iteritems, string_types, text_type


class CompatTest(unittest.TestCase):
    def test_iteritems(self):
        self.assertEqual(list(iteritems({"a": 1, "b": 2})), [("a", 1), ("b", 2)])

    def test_text(self):
        self.assertEqual(text_type(3), "3")
        self.assertIsInstance("x", string_types)
