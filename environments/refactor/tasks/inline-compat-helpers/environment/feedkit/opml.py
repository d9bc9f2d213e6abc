"""Subscription lists in OPML."""

import xml.etree.ElementTree as ET

from .compat import iteritems, string_types


def read_subscriptions(document):
    """[(title, url, {other attributes})] of every outline with an xmlUrl, in order."""
    if not isinstance(document, string_types):
        document = document.decode("utf-8")
    subscriptions = []
    for outline in ET.fromstring(document).iter("outline"):
        url = outline.get("xmlUrl")
        if not url:
            continue
        title = outline.get("title") or outline.get("text") or url
        extra = {k: v for k, v in iteritems(outline.attrib) if k not in ("title", "text", "xmlUrl")}
        subscriptions.append((title, url, extra))
    return subscriptions
