import unittest
from datetime import datetime, timezone

from feedkit import parse_feed
from tests.documents import ATOM, RSS


class ParseTest(unittest.TestCase):
    def test_rss(self):
        feed = parse_feed(RSS)
        self.assertEqual((feed.title, feed.link), ("Kitchen Notes", "https://kitchen.example/"))
        first, second = feed.entries
        self.assertEqual(first.tags, ("baking", "bread"))
        self.assertEqual(first.published, datetime(2024, 4, 2, 8, 0, tzinfo=timezone.utc))
        self.assertEqual(second.id, "https://kitchen.example/knives")

    def test_atom_from_bytes(self):
        feed = parse_feed(ATOM.encode("utf-8"))
        self.assertEqual(feed.link, "https://garden.example/")
        self.assertEqual([e.id for e in feed.entries], ["g-7", "k-1", "g-0"])
        self.assertEqual(feed.entries[0].tags, ("planting",))
        self.assertIsNone(feed.entries[2].published)

    def test_not_a_feed(self):
        with self.assertRaises(ValueError):
            parse_feed("<html/>")
