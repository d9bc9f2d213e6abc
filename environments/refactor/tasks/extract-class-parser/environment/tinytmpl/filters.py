"""Filters applied with `|` in expressions: `{{ name | truncate:10 | upper }}`."""


def _join(value, separator=", "):
    return separator.join(str(v) for v in value)


def _truncate(value, length):
    text = str(value)
    length = int(length)
    return text if len(text) <= length else text[: max(length - 1, 0)] + "…"


def _default(value, fallback):
    return value if value not in (None, "") else fallback


FILTERS = {
    "upper": lambda value: str(value).upper(),
    "lower": lambda value: str(value).lower(),
    "title": lambda value: str(value).title(),
    "length": len,
    "join": _join,
    "truncate": _truncate,
    "default": _default,
}


def apply_filters(value, filters):
    """Applies (name, args) pairs in order; names were checked when the template was parsed."""
    for name, args in filters:
        value = FILTERS[name](value, *args)
    return value
