RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel>
  <title>Kitchen Notes</title><link>https://kitchen.example/</link>
  <item>
    <title>Sourdough, again</title><link>https://kitchen.example/sourdough</link>
    <guid>k-1</guid><pubDate>Tue, 02 Apr 2024 08:00:00 +0000</pubDate>
    <category>Baking</category><category>Bread</category>
  </item>
  <item>
    <title>Knife care</title><link>https://kitchen.example/knives</link>
    <pubDate>Mon, 01 Apr 2024 18:30:00 +0000</pubDate>
  </item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Garden Log</title><link href="https://garden.example/"/>
  <entry>
    <title>Tomatoes in</title><link href="https://garden.example/tomatoes"/>
    <id>g-7</id><updated>2024-04-02T17:45:00Z</updated><category term="Planting"/>
  </entry>
  <entry>
    <title>Shared post</title><link href="https://kitchen.example/sourdough"/>
    <id>k-1</id><updated>2024-04-02T08:00:00Z</updated>
  </entry>
  <entry><title>No date</title><link href="https://garden.example/x"/><id>g-0</id></entry>
</feed>
"""

OPML = """<opml version="2.0"><body>
  <outline text="Food">
    <outline text="Kitchen Notes" xmlUrl="https://kitchen.example/rss" htmlUrl="https://kitchen.example/"/>
  </outline>
  <outline title="Garden Log" text="garden" xmlUrl="https://garden.example/atom" type="atom"/>
</body></opml>
"""
