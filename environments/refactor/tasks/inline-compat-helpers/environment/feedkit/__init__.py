"""feedkit: read RSS and Atom feeds, merge them and render a digest."""

from .merge import merge
from .model import Entry, Feed
from .parse import parse_feed
from .render import digest

__all__ = ["Entry", "Feed", "digest", "merge", "parse_feed"]
