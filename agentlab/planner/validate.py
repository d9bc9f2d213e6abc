"""A plan checked into a DAG before anything runs, every problem named so a planner can fix it.

Checked: node numbers (unique, increasing), tools (known), references (to a node that exists,
written earlier, not the node itself, no cycle), and arguments against the tool's argument model
(names, required ones, the types of literal values). A reference's type is only known when its
node has run, so an argument holding one is checked then, by the tool call itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
from pydantic import ValidationError

from agentlab.planner.plan import Plan, PlanNode, refs
from agentlab.tools.base import Tool


class PlanError(ValueError):
    """Everything wrong with a plan, one problem a line, each naming its node."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the plan has problems:\n" + "\n".join(f"- {p}" for p in problems))
        self.problems = problems


def validate_plan(plan: Plan, tools: Mapping[str, Tool]) -> nx.DiGraph[int]:
    """The plan as a DAG (an edge from each dependency to its dependant; node attribute
    `node` holds the PlanNode), or PlanError listing every problem."""
    problems: list[str] = []
    graph: nx.DiGraph[int] = nx.DiGraph()
    last = 0
    for node in plan.nodes:
        if node.index in graph:
            problems.append(f"${node.index}: numbered twice")
            continue
        if node.index <= last:
            problems.append(f"${node.index}: comes after ${last}; number nodes in order")
        last = max(last, node.index)
        graph.add_node(node.index, node=node)
        problems += check_call(node, tools)
    for node in plan.nodes:
        for dep in sorted(node.deps):
            if dep not in graph:
                problems.append(f"${node.index}: refers to ${dep}, which no node defines")
            else:
                graph.add_edge(dep, node.index)
    cycles = _cycles(graph)
    in_cycle = {n for cycle in cycles for n in cycle}
    problems += [f"cycle: {' -> '.join(f'${n}' for n in [*c, c[0]])}" for c in cycles]
    for node in plan.nodes:
        for dep in sorted(node.deps):
            if dep in graph and dep >= node.index and node.index not in in_cycle:
                problems.append(f"${node.index}: refers forward to ${dep}; a node may only "
                                "use the outputs of nodes written before it")  # fmt: skip
    if not plan.nodes:
        problems.append("the plan has no nodes")
    if problems:
        raise PlanError(problems)
    return graph


def named_args(node: PlanNode, tool: Tool) -> dict[str, Any]:
    """The node's arguments by parameter name: positionals take the tool's parameters in order."""
    fields = list(tool.arguments.model_fields)
    named: dict[str, Any] = {}
    for key, value in node.args.items():
        if key.startswith("_") and key[1:].isdigit():
            position = int(key[1:])
            if position >= len(fields):
                raise ValueError(f"{tool.name} takes {len(fields)} arguments, not {position + 1}")
            key = fields[position]
        if key in named:
            raise ValueError(f"{tool.name}: argument {key!r} given twice")
        named[key] = value
    return named


def check_call(node: PlanNode, tools: Mapping[str, Tool]) -> list[str]:
    """What is wrong with the node's tool and its literal arguments (references pass)."""
    tool = tools.get(node.tool)
    if tool is None:
        known = ", ".join(sorted(tools)) or "none"
        return [f"${node.index}: unknown tool {node.tool!r}; the tools are: {known}"]
    try:
        args = named_args(node, tool)
    except ValueError as exc:
        return [f"${node.index}: {exc}"]
    try:
        tool.arguments.model_validate(args)
    except ValidationError as exc:
        return [f"${node.index}: {tool.name} {_where(e['loc'])}: {e['msg']}"
                for e in exc.errors() if not _holds_ref(args, e["loc"])]  # fmt: skip
    return []


def _holds_ref(args: dict[str, Any], loc: tuple[int | str, ...]) -> bool:
    """Whether the value at `loc` (or the argument it lies in) holds a reference."""
    return bool(loc) and loc[0] in args and any(True for _ in refs(args[loc[0]]))


def _where(loc: tuple[int | str, ...]) -> str:
    return "argument " + ".".join(str(part) for part in loc) if loc else "arguments"


def _cycles(graph: nx.DiGraph[int]) -> list[list[int]]:
    """Each cycle once, as the nodes in order from its lowest."""
    found = []
    for cycle in nx.simple_cycles(graph):
        start = cycle.index(min(cycle))
        found.append(cycle[start:] + cycle[:start])
    return sorted(found)
