"""Parsing RSS 2.0 and Atom documents with the standard library's ElementTree."""

import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime

from .compat import string_types, text_type
from .model import Entry, Feed

ATOM = "{http://www.w3.org/2005/Atom}"


def _text(element, path, default=""):
    found = element.find(path)
    if found is None or found.text is None:
        return default
    return text_type(found.text).strip()


def _rss_date(text):
    try:
        return parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError):
        return None


def _atom_date(text):
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None


def parse_feed(document):
    """A Feed from an RSS 2.0 or Atom document given as text or bytes."""
    if not isinstance(document, string_types):
        document = document.decode("utf-8")
    root = ET.fromstring(document)
    if root.tag == "rss":
        return _parse_rss(root.find("channel"))
    if root.tag == ATOM + "feed":
        return _parse_atom(root)
    raise ValueError(f"not a feed: root element {root.tag!r}")


def _parse_rss(channel):
    feed = Feed(_text(channel, "title"), _text(channel, "link"))
    for item in channel.findall("item"):
        link = _text(item, "link")
        feed.entries.append(
            Entry(
                id=_text(item, "guid", link),
                title=_text(item, "title", "(untitled)"),
                link=link,
                published=_rss_date(_text(item, "pubDate")),
                source=feed.title,
                tags=tuple(text_type(c.text).strip().lower() for c in item.findall("category")),
            )
        )
    return feed


def _parse_atom(root):
    link = root.find(ATOM + "link")
    feed = Feed(_text(root, ATOM + "title"), link.get("href", "") if link is not None else "")
    for item in root.findall(ATOM + "entry"):
        href = item.find(ATOM + "link")
        url = href.get("href", "") if href is not None else ""
        feed.entries.append(
            Entry(
                id=_text(item, ATOM + "id", url),
                title=_text(item, ATOM + "title", "(untitled)"),
                link=url,
                published=_atom_date(_text(item, ATOM + "updated")),
                source=feed.title,
                tags=tuple(c.get("term", "").lower() for c in item.findall(ATOM + "category")),
            )
        )
    return feed
