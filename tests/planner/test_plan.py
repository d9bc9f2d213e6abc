"""Plans: the LLMCompiler text format, streaming parsing, and validation into a DAG."""

from __future__ import annotations

from typing import Annotated

import pytest

from agentlab.planner import (
    Concat,
    PlanError,
    PlanParser,
    PlanSyntaxError,
    Ref,
    named_args,
    parse_plan,
    validate_plan,
)
from agentlab.sandbox.base import Sandbox
from agentlab.tools import Tool, tool


@tool
async def search(sandbox: Sandbox, query: Annotated[str, "what to look up"]) -> str:
    """Looks something up."""
    return query


@tool
async def subtract(sandbox: Sandbox, a: int, b: int) -> str:
    """a - b."""
    return str(a - b)


TOOLS: dict[str, Tool] = {t.name: t for t in (search, subtract)}
PLAN = """Thought: the two lookups are independent.
1. search(query="Python 3 release year")
2. search("Java release year, cost $2")
3. subtract(a=$1, b=$2)
4. join()
That is all.
"""


def test_references_are_structural_and_thoughts_belong_to_the_next_node() -> None:
    plan = parse_plan(PLAN)
    assert plan.joined and [n.index for n in plan.nodes] == [1, 2, 3]
    first, second, third = plan.nodes
    assert first.thought == "the two lookups are independent." and second.thought is None
    assert second.args == {"_0": "Java release year, cost $2"} and second.deps == set()
    assert third.args == {"a": Ref(node=1), "b": Ref(node=2)} and third.deps == {1, 2}
    assert named_args(second, search) == {"query": "Java release year, cost $2"}
    graph = validate_plan(plan, TOOLS)
    assert sorted(graph.edges) == [(1, 3), (2, 3)]


def test_literals_of_every_kind_and_nested_references() -> None:
    [node] = parse_plan('1. f(x=[1, -2.5, "a\\"$3", $7], y={"k": $8}, z=null, w=true)').nodes
    assert node.args == {"x": [1, -2.5, 'a"$3', Ref(node=7)], "y": {"k": Ref(node=8)},
                         "z": None, "w": True}  # fmt: skip
    assert node.deps == {7, 8}


def test_strings_and_references_join_with_plus() -> None:
    [node] = parse_plan('1. f(cmd="echo " + $1 + " and " + $2, s="a" + "b")').nodes
    assert node.args == {"cmd": Concat(parts=["echo ", Ref(node=1), " and ", Ref(node=2)]),
                         "s": "ab"}  # fmt: skip
    assert node.deps == {1, 2}
    with pytest.raises(PlanSyntaxError, match="only strings and references join with"):
        parse_plan("1. f(x=1 + 2)")


def test_the_parser_yields_each_node_when_its_line_completes() -> None:
    parser = PlanParser()
    assert list(parser.feed("1. search(query=")) == []
    [first] = parser.feed('"a")\n2. search(query="b")')
    assert first.index == 1
    [second] = parser.feed("\n")
    assert second.index == 2 and not parser.joined
    assert list(parser.feed("3. join()\n4. search(query='after join')\n")) == []
    assert parser.joined and list(parser.close()) == []


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("do the search", "expected `N. tool(arguments)`"),
        ("1. search(query=foo)", "unknown name 'foo' (strings need quotes)"),
        ("1. search(query=", "expected `N. tool(arguments)`"),
        ("1. search(query=1-2)", "unsupported argument '1 - 2'"),
        ('1. search(**{"a": 1})', "** arguments are not allowed"),
    ],
)
def test_an_unparseable_line_is_quoted_in_the_error(line: str, why: str) -> None:
    with pytest.raises(PlanSyntaxError, match="cannot parse plan line") as caught:
        parse_plan(line)
    assert caught.value.line == line and why in str(caught.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1. search(query=$1)", "cycle: $1 -> $1"),
        ("1. subtract(a=$2, b=1)\n2. subtract(a=$1, b=1)", "cycle: $1 -> $2 -> $1"),
        ("1. search(query=$9)", "$1: refers to $9, which no node defines"),
        ("1. search(query=$2)\n2. search(query='x')", "$1: refers forward to $2"),
        ("1. serch(query='x')", "$1: unknown tool 'serch'; the tools are: search, subtract"),
        ("1. subtract(a='seven', b=1)", "$1: subtract argument a: Input should be a valid"),
        ("1. subtract(a=1)", "$1: subtract argument b: Field required"),
        ("1. search(query='x', limit=3)", "$1: search argument limit: Extra inputs"),
        ("1. search('x', 'y')", "$1: search takes 1 arguments, not 2"),
        ("2. search(query='x')\n1. search(query='y')", "$1: comes after $2"),
        ("1. search(query='x')\n1. search(query='y')", "$1: numbered twice"),
    ],
)
def test_every_problem_is_named_with_its_node(text: str, problem: str) -> None:
    with pytest.raises(PlanError) as caught:
        validate_plan(parse_plan(text), TOOLS)
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_a_reference_may_stand_for_any_type_and_all_problems_come_at_once() -> None:
    validate_plan(parse_plan("1. search(query='7')\n2. subtract(a=$1, b=2)"), TOOLS)
    with pytest.raises(PlanError) as caught:
        validate_plan(parse_plan("1. nope()\n2. subtract(a=$5)"), TOOLS)
    assert len(caught.value.problems) == 3, caught.value.problems
