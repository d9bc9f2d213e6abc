"""Static questions about a template, answered from its nodes without rendering it."""

from .core import parse
from .nodes import For, If, Var


def variables(source):
    """The context names a template reads, sorted; loop variables and `loop` are not counted."""
    found = set()
    _collect(parse(source), set(), found)
    return sorted(found)


def _collect(nodes, bound, found):
    for node in nodes:
        if isinstance(node, Var):
            _add(node, bound, found)
        elif isinstance(node, If):
            _add(node.condition, bound, found)
            _collect(node.body, bound, found)
            _collect(node.else_body, bound, found)
        elif isinstance(node, For):
            _add(node.iterable, bound, found)
            _collect(node.body, bound | {node.name, "loop"}, found)


def _add(var, bound, found):
    head = var.path.split(".")[0]
    if not var.path.startswith('"') and head not in bound:
        found.add(head)
