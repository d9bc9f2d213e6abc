import unittest

from feedkit import digest, merge, parse_feed
from feedkit.merge import count_by_tag
from tests.documents import ATOM, RSS


class MergeTest(unittest.TestCase):
    def setUp(self):
        self.entries = merge([parse_feed(RSS), parse_feed(ATOM)])

    def test_newest_first_and_deduplicated(self):
        self.assertEqual(
            [e.title for e in self.entries],
            ["Tomatoes in", "Sourdough, again", "Knife care", "No date"],
        )

    def test_limit(self):
        self.assertEqual(len(merge([parse_feed(ATOM)], limit=1)), 1)

    def test_count_by_tag(self):
        self.assertEqual(count_by_tag(self.entries), {"baking": 1, "bread": 1, "planting": 1})

    def test_digest(self):
        text = digest(self.entries, title="Week 14")
        self.assertTrue(text.startswith("# Week 14\n\n## 2024-04-02 (2)\n"))
        self.assertIn(
            "- [Sourdough, again](https://kitchen.example/sourdough) — Kitchen Notes"
            " _baking, bread_",
            text,
        )
        self.assertIn("## undated (1)", text)
