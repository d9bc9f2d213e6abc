"""Plans in the LLMCompiler format: numbered tool calls whose arguments may name earlier results.

    Thought: the two lookups do not depend on each other.
    1. search(query="Python 3 release year")
    2. search(query="Java release year")
    3. subtract(a=$1, b=$2)
    4. join()

A line is `N. tool(arguments)`. Arguments are literals (strings, numbers, true/false/null, lists,
objects), positional or named, and `$N`, the output of node N. References are structural: `$2`
as a value is a dependency, while "costs $2" is a string like any other. Strings and references
join with `+` (`"echo " + $1`), which is how an output goes into a command. A `Thought:` line
belongs to the node after it; `join()` ends the plan. `PlanParser` takes the text as it arrives
and yields each node the moment its line is complete, so a scheduler can start it at once; a
line it cannot parse is kept in `errors` and the lines after it still count.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

JOIN = "join"
_LINE = re.compile(r"^\s*(\d+)\s*[.:)]\s*([A-Za-z_]\w*)\s*\((.*)\)\s*$")
_THOUGHT = re.compile(r"^\s*Thought\s*:\s*(.*)$", re.IGNORECASE)
_REF_NAME = "__ref_"


class Ref(BaseModel):
    """The output of plan node `node`, wherever it stands among a node's arguments."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    node: int = Field(alias="$ref")


class Concat(BaseModel):
    """Strings and references joined with `+`: the outputs go in as text when the node runs."""

    model_config = ConfigDict(frozen=True)

    parts: list[str | Ref]


class PlanNode(BaseModel):
    """One tool call of a plan. `args` maps parameter names (or `_0`, `_1`... for positional
    arguments, which the validator names) to literals that may hold Refs."""

    index: int
    tool: str
    args: dict[str, Any] = Field(default_factory=dict)
    thought: str | None = None
    line: str = ""

    @property
    def deps(self) -> set[int]:
        """The nodes whose outputs this node's arguments name."""
        return set(refs(self.args))


class Plan(BaseModel):
    """The nodes of a plan in the order written, and whether it ended in `join()`."""

    nodes: list[PlanNode] = Field(default_factory=list)
    joined: bool = False


class PlanSyntaxError(ValueError):
    """A plan line that is not a node, a thought or join: the message quotes the line."""

    def __init__(self, line: str, why: str) -> None:
        super().__init__(f"cannot parse plan line {line.strip()!r}: {why}")
        self.line = line


def refs(value: Any) -> Iterator[int]:
    """The nodes referenced anywhere inside an argument value."""
    if isinstance(value, Ref):
        yield value.node
    elif isinstance(value, Concat):
        yield from refs(value.parts)
    elif isinstance(value, dict):
        for item in value.values():
            yield from refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from refs(item)


def parse_plan(text: str) -> Plan:
    """The whole plan in `text`; the first bad line raises PlanSyntaxError."""
    parser = PlanParser()
    nodes = [*parser.feed(text), *parser.close()]
    if parser.errors:
        raise parser.errors[0]
    return Plan(nodes=nodes, joined=parser.joined)


class PlanParser:
    """Parses a plan as its text streams in: `feed` yields the nodes whose lines completed."""

    def __init__(self) -> None:
        self._pending = ""
        self._thought: str | None = None
        self.joined = False
        self.errors: list[PlanSyntaxError] = []

    def feed(self, chunk: str) -> Iterator[PlanNode]:
        self._pending += chunk
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            yield from self._parsed(line)

    def close(self) -> Iterator[PlanNode]:
        """The last line, when the text did not end with a newline."""
        line, self._pending = self._pending, ""
        yield from self._parsed(line)

    def _parsed(self, line: str) -> Iterator[PlanNode]:
        try:
            node = self._line(line)
        except PlanSyntaxError as exc:
            self.errors.append(exc)
            return
        if node is not None:
            yield node

    def _line(self, line: str) -> PlanNode | None:
        if self.joined or not line.strip():
            return None  # what follows join() is the model's commentary, not plan
        thought = _THOUGHT.match(line)
        if thought:
            self._thought = thought.group(1).strip()
            return None
        match = _LINE.match(line)
        if match is None:
            raise PlanSyntaxError(line, "expected `N. tool(arguments)`, `Thought: ...` or join()")
        index, name, arguments = int(match.group(1)), match.group(2), match.group(3)
        if name == JOIN:
            self.joined = True
            return None
        node = PlanNode(index=index, tool=name, args=_arguments(line, arguments),
                        thought=self._thought, line=line.strip())  # fmt: skip
        self._thought = None
        return node


def _arguments(line: str, text: str) -> dict[str, Any]:
    """`text`'s arguments: keywords by name, positionals as `_0`, `_1`, ..."""
    try:
        call = ast.parse(f"f({_mark_refs(text)})", mode="eval").body
    except SyntaxError as exc:
        raise PlanSyntaxError(line, f"bad arguments ({exc.msg})") from None
    assert isinstance(call, ast.Call)
    args: dict[str, Any] = {f"_{i}": _value(line, a) for i, a in enumerate(call.args)}
    for keyword in call.keywords:
        if keyword.arg is None:
            raise PlanSyntaxError(line, "** arguments are not allowed")
        args[keyword.arg] = _value(line, keyword.value)
    return args


def _mark_refs(text: str) -> str:
    """`$N` outside string literals becomes a name Python can parse; inside them it stays."""
    out, quote, i = [], "", 0
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                out.append(text[i : i + 2])
                i += 2
                continue
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "$":
            digits = re.match(r"\d+", text[i + 1 :])
            if digits:
                out.append(f"{_REF_NAME}{digits.group(0)}")
                i += 1 + len(digits.group(0))
                continue
        out.append(char)
        i += 1
    return "".join(out)


_CONSTANTS = {"true": True, "false": False, "null": None, "True": True, "False": False,
              "None": None}  # fmt: skip


def _value(line: str, node: ast.expr) -> Any:
    """A JSON-like value, or a Ref, from an argument expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool):
        return node.value
    if isinstance(node, ast.Constant) and node.value is None:
        return None
    if isinstance(node, ast.Name):
        if node.id.startswith(_REF_NAME):
            return Ref(node=int(node.id[len(_REF_NAME) :]))
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        raise PlanSyntaxError(line, f"unknown name {node.id!r} (strings need quotes)")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _value(line, node.operand)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return -value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _joined(line, [_value(line, node.left), _value(line, node.right)])
    if isinstance(node, ast.List | ast.Tuple):
        return [_value(line, item) for item in node.elts]
    if isinstance(node, ast.Dict):
        result = {}
        for key, item in zip(node.keys, node.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                raise PlanSyntaxError(line, "object keys must be strings")
            result[key.value] = _value(line, item)
        return result
    raise PlanSyntaxError(line, f"unsupported argument {ast.unparse(node)!r}")


def _joined(line: str, values: list[Any]) -> str | Concat:
    """`a + b` of strings and references: a string when nothing is left to fill in."""
    parts: list[str | Ref] = []
    for value in values:
        for part in value.parts if isinstance(value, Concat) else [value]:
            if not isinstance(part, str | Ref):
                raise PlanSyntaxError(line, "only strings and references join with +")
            if isinstance(part, str) and parts and isinstance(parts[-1], str):
                parts[-1] += part
            else:
                parts.append(part)
    if all(isinstance(part, str) for part in parts):
        return "".join(str(part) for part in parts)
    return Concat(parts=parts)
