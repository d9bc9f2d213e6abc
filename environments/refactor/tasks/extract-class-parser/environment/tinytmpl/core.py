"""Parsing template source into nodes, and the Template that renders them."""

import re

from .errors import TemplateSyntaxError
from .filters import FILTERS
from .nodes import For, If, Text, Var

TOKEN = re.compile(r"({{.*?}}|{%.*?%})", re.S)
FOR = re.compile(r"^for\s+(\w+)\s+in\s+(.+)$", re.S)
NAME = re.compile(r'^(\w+(\.\w+)*|"[^"]*")$')


def tokenize(source):
    """Splits source into (kind, text, line) tuples; kind is "text", "var" or "tag"."""
    tokens = []
    line = 1
    for piece in TOKEN.split(source):
        if piece.startswith("{{"):
            tokens.append(("var", piece[2:-2].strip(), line))
        elif piece.startswith("{%"):
            tokens.append(("tag", piece[2:-2].strip(), line))
        elif piece:
            tokens.append(("text", piece, line))
        line += piece.count("\n")
    return tokens


def parse(source):
    """The list of nodes of a template's source."""
    tokens = tokenize(source)
    nodes, _, _ = _parse_block(tokens, 0, ())
    return nodes


def _parse_block(tokens, pos, until):
    """Nodes from tokens[pos] up to a tag named in `until`: (nodes, next pos, that tag)."""
    nodes = []
    while pos < len(tokens):
        kind, text, line = tokens[pos]
        pos += 1
        if kind == "text":
            nodes.append(Text(text))
        elif kind == "var":
            nodes.append(_parse_expression(text, line))
        else:
            name = text.split()[0] if text else ""
            if name in until:
                return nodes, pos, name
            if name == "if":
                node, pos = _parse_if(tokens, pos, text, line)
            elif name == "for":
                node, pos = _parse_for(tokens, pos, text, line)
            else:
                raise TemplateSyntaxError(f"unknown tag {name!r}", line)
            nodes.append(node)
    if until:
        line = tokens[-1][2] if tokens else 1
        raise TemplateSyntaxError(f"missing {{% {until[-1]} %}}", line)
    return nodes, pos, None


def _parse_if(tokens, pos, text, line):
    condition = text[len("if") :].strip()
    if not condition:
        raise TemplateSyntaxError("if needs a condition", line)
    body, pos, tag = _parse_block(tokens, pos, ("else", "endif"))
    else_body = []
    if tag == "else":
        else_body, pos, _ = _parse_block(tokens, pos, ("endif",))
    return If(_parse_expression(condition, line), body, else_body), pos


def _parse_for(tokens, pos, text, line):
    match = FOR.match(text)
    if match is None:
        raise TemplateSyntaxError(f"expected 'for NAME in EXPRESSION', got {text!r}", line)
    body, pos, _ = _parse_block(tokens, pos, ("endfor",))
    return For(match.group(1), _parse_expression(match.group(2), line), body), pos


def _parse_expression(text, line):
    """`path | filter | filter:arg,"arg"` into a Var."""
    head, *parts = [p.strip() for p in text.split("|")]
    if not NAME.match(head):
        raise TemplateSyntaxError(f"bad expression {text!r}", line)
    filters = []
    for part in parts:
        name, _, args = part.partition(":")
        if name not in FILTERS:
            raise TemplateSyntaxError(f"unknown filter {name!r}", line)
        filters.append((name, [a.strip().strip('"') for a in args.split(",")] if args else []))
    return Var(head, filters)


class Template:
    """A parsed template; `render(**context)` may be called any number of times."""

    def __init__(self, source, strict=False):
        self.nodes = parse(source)
        self.strict = strict

    def render(self, **context):
        out = []
        scopes = [context]
        for node in self.nodes:
            node.render(scopes, out, self.strict)
        return "".join(out)


def render(source, **context):
    """Parses and renders in one go."""
    return Template(source).render(**context)
