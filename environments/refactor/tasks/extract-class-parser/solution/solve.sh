#!/bin/bash
# The parsing code moves out of core.py into class Parser in tinytmpl/parser.py: the token list
# and the position that every helper passed around become the instance's state.
cat > tinytmpl/parser.py <<'PY'
"""Parsing template source into nodes."""

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


class Parser:
    """Parses one template's source; `tokens` and the position `pos` are its state."""

    def __init__(self, source):
        self.tokens = tokenize(source)
        self.pos = 0

    def parse(self):
        """The list of nodes of the template."""
        nodes, _ = self._parse_block(())
        return nodes

    def _parse_block(self, until):
        """Nodes up to a tag named in `until`: (nodes, that tag), or (nodes, None) at the end."""
        nodes = []
        while self.pos < len(self.tokens):
            kind, text, line = self.tokens[self.pos]
            self.pos += 1
            if kind == "text":
                nodes.append(Text(text))
            elif kind == "var":
                nodes.append(self._parse_expression(text, line))
            else:
                name = text.split()[0] if text else ""
                if name in until:
                    return nodes, name
                if name == "if":
                    nodes.append(self._parse_if(text, line))
                elif name == "for":
                    nodes.append(self._parse_for(text, line))
                else:
                    raise TemplateSyntaxError(f"unknown tag {name!r}", line)
        if until:
            line = self.tokens[-1][2] if self.tokens else 1
            raise TemplateSyntaxError(f"missing {{% {until[-1]} %}}", line)
        return nodes, None

    def _parse_if(self, text, line):
        condition = text[len("if") :].strip()
        if not condition:
            raise TemplateSyntaxError("if needs a condition", line)
        body, tag = self._parse_block(("else", "endif"))
        else_body = []
        if tag == "else":
            else_body, _ = self._parse_block(("endif",))
        return If(self._parse_expression(condition, line), body, else_body)

    def _parse_for(self, text, line):
        match = FOR.match(text)
        if match is None:
            raise TemplateSyntaxError(f"expected 'for NAME in EXPRESSION', got {text!r}", line)
        body, _ = self._parse_block(("endfor",))
        return For(match.group(1), self._parse_expression(match.group(2), line), body)

    def _parse_expression(self, text, line):
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
PY

# core.py keeps the Template and render, built on the Parser.
cat > tinytmpl/core.py <<'PY'
"""The Template, which renders the nodes its Parser made, any number of times."""

from .parser import Parser


class Template:
    """A parsed template; `render(**context)` may be called any number of times."""

    def __init__(self, source, strict=False):
        self.nodes = Parser(source).parse()
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
PY

# The other caller of core.parse, and the tests, use the Parser.
sed -i 's/^from \.core import parse$/from .parser import Parser/; s/_collect(parse(source),/_collect(Parser(source).parse(),/' tinytmpl/analysis.py
sed -i 's/^from tinytmpl\.core import parse, tokenize$/from tinytmpl.parser import Parser, tokenize/; s/\bparse(\([^()]*\))/Parser(\1).parse()/' tests/test_parsing.py

# The suite still passes.
python3 -m unittest discover -s tests -t .
