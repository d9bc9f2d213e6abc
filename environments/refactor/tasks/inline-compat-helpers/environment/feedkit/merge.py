"""Merging several feeds into one timeline."""

from datetime import datetime, timezone

from .compat import iteritems

OLDEST = datetime.min.replace(tzinfo=timezone.utc)


def merge(feeds, limit=None):
    """Entries of all feeds, newest first, each id once (the first feed listing it wins)."""
    seen = {}
    for feed in feeds:
        for entry in feed.entries:
            seen.setdefault(entry.id, entry)
    ordered = sorted(
        (entry for _, entry in iteritems(seen)),
        key=lambda e: (e.published or OLDEST, e.title),
        reverse=True,
    )
    return ordered[:limit] if limit is not None else ordered


def count_by_tag(entries):
    """{tag: number of entries}, most common first, ties by name."""
    counts = {}
    for entry in entries:
        for tag in entry.tags:
            counts[tag] = counts.get(tag, 0) + 1
    return dict(sorted(iteritems(counts), key=lambda kv: (-kv[1], kv[0])))
