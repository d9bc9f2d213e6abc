"""Leftovers from the days when feedkit also ran on Python 2."""

string_types = (str,)


def iteritems(mapping):
    """The mapping's items as an iterator, on either Python."""
    return iter(mapping.items())


def text_type(value):
    """`value` as text (unicode on Python 2)."""
    return str(value)
