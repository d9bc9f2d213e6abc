import importlib.util
import unittest

from feedkit import digest, merge, parse_feed
from feedkit.merge import count_by_tag
from feedkit.opml import read_subscriptions

RSS = b"""<rss version="2.0"><channel><title>Notes</title><link>https://n.example/</link>
<item><title>One</title><link>https://n.example/1</link><category> Misc </category>
<pubDate>Fri, 05 Apr 2024 10:00:00 +0000</pubDate></item>
<item><title>Two</title><link>https://n.example/2</link><category>misc</category>
<category>Long Reads</category><pubDate>Sat, 06 Apr 2024 10:00:00 +0000</pubDate></item>
</channel></rss>"""


class InlinedTest(unittest.TestCase):
    def test_the_compat_module_is_gone(self):
        self.assertIsNone(importlib.util.find_spec("feedkit.compat"))

    def test_parse_merge_and_render(self):
        entries = merge([parse_feed(RSS), parse_feed(RSS.decode())])
        self.assertEqual([e.title for e in entries], ["Two", "One"])
        self.assertEqual(entries[0].tags, ("misc", "long reads"))
        self.assertEqual(count_by_tag(entries), {"misc": 2, "long reads": 1})
        self.assertEqual(
            digest(entries, title="T"),
            "# T\n\n## 2024-04-06 (1)\n- [Two](https://n.example/2) — Notes _misc, long reads_\n\n"
            "## 2024-04-05 (1)\n- [One](https://n.example/1) — Notes _misc_\n",
        )

    def test_opml_from_text(self):
        document = '<opml><body><outline text="x" xmlUrl="u" a="1" b="2"/><outline text="y"/></body></opml>'
        self.assertEqual(read_subscriptions(document), [("x", "u", {"a": "1", "b": "2"})])
