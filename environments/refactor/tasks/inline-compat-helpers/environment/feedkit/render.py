"""A Markdown digest of merged entries, grouped by day."""

from .compat import iteritems, text_type


def _day(entry):
    return entry.published.date().isoformat() if entry.published else "undated"


def digest(entries, title="Digest"):
    groups = {}
    for entry in entries:
        groups.setdefault(_day(entry), []).append(entry)
    lines = [f"# {title}", ""]
    for day, items in iteritems(groups):
        lines.append(f"## {day} ({text_type(len(items))})")
        for entry in items:
            tags = f" _{', '.join(entry.tags)}_" if entry.tags else ""
            lines.append(f"- [{entry.title}]({entry.link}) — {entry.source}{tags}")
        lines.append("")
    return "\n".join(lines)
