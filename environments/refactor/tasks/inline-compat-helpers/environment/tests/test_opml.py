import unittest

from feedkit.opml import read_subscriptions
from tests.documents import OPML


class OpmlTest(unittest.TestCase):
    def test_subscriptions(self):
        self.assertEqual(
            read_subscriptions(OPML.encode()),
            [
                (
                    "Kitchen Notes",
                    "https://kitchen.example/rss",
                    {"htmlUrl": "https://kitchen.example/"},
                ),
                ("Garden Log", "https://garden.example/atom", {"type": "atom"}),
            ],
        )
