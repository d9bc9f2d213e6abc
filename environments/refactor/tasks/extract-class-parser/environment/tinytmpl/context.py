"""Looking names up in the render context."""

from .errors import TemplateError

UNDEFINED = object()


def resolve(scopes, path):
    """The value of a dotted `path` (`user.address.city`) in the innermost scope that has its
    first part; dict keys and attributes both work. UNDEFINED when any part is missing."""
    head, *rest = path.split(".")
    for scope in reversed(scopes):
        if head in scope:
            value = scope[head]
            break
    else:
        return UNDEFINED
    for part in rest:
        if isinstance(value, dict):
            value = value.get(part, UNDEFINED)
        else:
            value = getattr(value, part, UNDEFINED)
        if value is UNDEFINED:
            return UNDEFINED
    return value


def lookup(scopes, path, strict):
    value = resolve(scopes, path)
    if value is UNDEFINED:
        if strict:
            raise TemplateError(f"undefined name {path!r}")
        return ""
    return value
