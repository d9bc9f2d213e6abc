"""The planner's outer loop on LangGraph: plan and run, join, and maybe plan again.

    plan_and_run ──> join ──> END
         ^             │
         └── replan ───┘   (at most `max_replans` times)

`plan_and_run` asks the model for a plan and streams its text into the parser: each node is
checked the moment its line is complete (a known tool, arguments it takes, references to nodes
already written) and handed to the scheduler, so the first calls run while the model still
writes the rest. A node that fails the check does not run; its problem, like an unparseable
line, goes to the joiner with the results. `join` asks the model for a structured verdict
(JSON validated by a pydantic model, not text cut apart): finish with an answer, or replan
with what the next plan must do.

With a `checkpoint` file, LangGraph's SQLite checkpointer keeps the loop's state between steps,
and every node's result is written to the same file as it finishes, with its round and line: a
run resumed on the same `thread` continues where it stopped, reusing each finished node whose
line the resumed plan repeats (a stored plan text is reused, not asked for again).
"""

from __future__ import annotations

import asyncio
import operator
import sqlite3
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Annotated, Any, Literal, TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import END, START, StateGraph
from pydantic import BaseModel, ValidationError

from agentlab.models.base import ModelClient, ModelError
from agentlab.planner.plan import PlanNode, PlanParser
from agentlab.planner.scheduler import NodeCall, NodeResult, Scheduler
from agentlab.planner.validate import check_call
from agentlab.tools.base import Tool
from agentlab.types import Message, Usage

PLANNER = """You plan the tool calls that do a task. Write one call a line, numbered from 1:
`N. tool(name=value, ...)`. As an argument value, `$N` stands for the output of node N, a node \
written before. Calls run in parallel unless one uses another's output, so make a call depend \
on another only when it needs that output. A line `Thought: ...` may come before a node. End \
the plan with `N. join()`.

The tools:
{tools}"""
REPLAN = """The plan so far and what it gave:
{results}

It is not done yet: {feedback}
Write a new plan for what is left. Its nodes are numbered from 1 again, and earlier results can
not be referenced: write what you need from them as literal values."""
JOINER = """You decide whether a task is done, from the results of the tool calls a plan made.
Reply with JSON only: {"thought": "...", "action": "finish" or "replan", "answer": "the final \
answer, when finishing", "feedback": "what the next plan must do, when replanning"}"""


class Verdict(BaseModel):
    """The joiner's decision, as structured output."""

    thought: str = ""
    action: Literal["finish", "replan"]
    answer: str | None = None
    feedback: str | None = None


class Round(BaseModel):
    """One plan: its text, the problems found in it, its nodes' results and the verdict."""

    plan: str
    problems: list[str] = []
    results: list[NodeResult] = []
    verdict: Verdict | None = None


class Outcome(BaseModel):
    """What the loop ended with: the answer (None when it never finished), every round, and
    every model call's usage."""

    answer: str | None
    finished: bool
    rounds: list[Round]
    usage: list[Usage]


class _State(TypedDict):
    instruction: str
    rounds: Annotated[list[dict[str, Any]], operator.add]  # Round without its verdict
    verdicts: Annotated[list[dict[str, Any]], operator.add]  # one per joined round
    usage: Annotated[list[dict[str, Any]], operator.add]


class DagPlanner:
    """Plans with `model`, runs nodes through `call` with the scheduler's options, joins."""

    def __init__(
        self,
        model: ModelClient,
        tools: Mapping[str, Tool],
        call: NodeCall,
        *,
        max_replans: int = 2,
        seed: int = 0,
        metadata: Mapping[str, str] | None = None,
        scheduler: Mapping[str, Any] | None = None,
    ) -> None:
        if max_replans < 0:
            raise ValueError(f"DagPlanner(max_replans={max_replans}): must be >= 0")
        self.model, self.tools, self.call = model, dict(tools), call
        self.max_replans, self.seed = max_replans, seed
        self.metadata = dict(metadata or {})
        self.scheduler = dict(scheduler or {})

    async def run(
        self, instruction: str, *, checkpoint: Path | None = None, thread: str = "plan"
    ) -> Outcome:
        """Plans, runs and joins until the joiner finishes or the replans are spent."""
        async with AsyncExitStack() as stack:
            saver, store = None, None
            if checkpoint is not None:
                checkpoint.parent.mkdir(parents=True, exist_ok=True)
                saver = await stack.enter_async_context(
                    AsyncSqliteSaver.from_conn_string(str(checkpoint))
                )
                store = stack.enter_context(_NodeStore(checkpoint, thread))
            app = self._graph(store).compile(checkpointer=saver)
            config: RunnableConfig = {"configurable": {"thread_id": thread},
                                      "recursion_limit": 4 * self.max_replans + 10}  # fmt: skip
            resumed = saver is not None and (await app.aget_state(config)).values
            fresh: _State = {"instruction": instruction, "rounds": [], "verdicts": [], "usage": []}
            state = await app.ainvoke(None if resumed else fresh, config)
        rounds = [Round.model_validate(r) for r in state["rounds"]]
        for round_, verdict in zip(rounds, state["verdicts"], strict=False):
            round_.verdict = Verdict.model_validate(verdict)
        last = rounds[-1].verdict if rounds else None
        return Outcome(answer=last.answer if last else None,
                       finished=last is not None and last.action == "finish", rounds=rounds,
                       usage=[Usage.model_validate(u) for u in state["usage"]])  # fmt: skip

    def _graph(self, store: _NodeStore | None) -> StateGraph[_State]:
        async def plan_and_run(state: _State) -> dict[str, Any]:
            round_, usage = await self._plan_and_run(state, store)
            return {"rounds": [round_.model_dump(mode="json", exclude={"verdict"})],
                    "usage": [u.model_dump() for u in usage]}  # fmt: skip

        async def join(state: _State) -> dict[str, Any]:
            verdict, usage = await self._join(state)
            return {"verdicts": [verdict.model_dump()], "usage": [u.model_dump() for u in usage]}

        def route(state: _State) -> str:
            again = state["verdicts"][-1]["action"] == "replan"
            return "plan_and_run" if again and len(state["rounds"]) <= self.max_replans else END

        graph: StateGraph[_State] = StateGraph(_State)
        graph.add_node("plan_and_run", plan_and_run)
        graph.add_node("join", join)
        graph.add_edge(START, "plan_and_run")
        graph.add_edge("plan_and_run", "join")
        graph.add_conditional_edges("join", route, ["plan_and_run", END])
        return graph

    async def _plan_and_run(
        self, state: _State, store: _NodeStore | None
    ) -> tuple[Round, list[Usage]]:
        """One round: the plan streams in, each node checked and scheduled as it arrives."""
        number = len(state["rounds"])
        parser, queue = PlanParser(), asyncio.Queue[PlanNode | None]()
        problems: list[str] = []
        accepted: set[int] = set()
        written: set[int] = set()
        stored = store.results(number) if store else {}
        reuse: dict[int, NodeResult] = {}
        usage: list[Usage] = []

        def offer(node: PlanNode) -> None:
            problem = self._check(node, written, accepted)
            written.add(node.index)
            if problem:
                problems.append(problem)
                return
            accepted.add(node.index)
            if (node.index, node.line) in stored:
                reuse[node.index] = stored[(node.index, node.line)]
            queue.put_nowait(node)

        def on_text(piece: str) -> None:
            for node in parser.feed(piece):
                offer(node)

        async def write() -> str:
            text = store.plan(number) if store else None
            try:
                if text is None:
                    completion = await self.model.complete(
                        self._plan_messages(state), seed=self.seed + number, on_text=on_text,
                        metadata={**self.metadata, "role": "planner"},
                    )  # fmt: skip
                    usage.append(completion.usage.model_copy(update={"role": "planner"}))
                    text = completion.choices[0].message.content or ""
                    if store:
                        store.save_plan(number, text)
                else:
                    on_text(text)  # a resumed round: the plan it had
                for node in parser.close():
                    offer(node)
            except ModelError as exc:
                problems.append(f"the planner's call failed: {exc}")
            finally:
                queue.put_nowait(None)
            return text or ""

        async def arriving() -> AsyncIterator[PlanNode]:
            while (node := await queue.get()) is not None:
                yield node

        scheduler = Scheduler(self.call, **self.scheduler)
        save = (lambda r: store.save_result(number, r)) if store else None
        results, text = await asyncio.gather(scheduler.run(arriving(), reuse, save), write())
        problems = [str(e) for e in parser.errors] + problems
        if not parser.joined and not problems:
            problems.append("the plan did not end with join()")
        return Round(plan=text, problems=problems, results=list(results.values())), usage

    def _check(self, node: PlanNode, written: set[int], accepted: set[int]) -> str | None:
        """What keeps `node` from running, found as its line arrives; None when it may run."""
        if node.index in written:
            return f"${node.index}: numbered twice"
        for dep in sorted(node.deps):
            if dep == node.index:
                return f"cycle: ${dep} -> ${dep}"
            if dep not in written:
                return f"${node.index}: refers to ${dep}, which no earlier line defines"
            if dep not in accepted:
                return f"${node.index}: needs ${dep}, which was rejected"
        problems = check_call(node, self.tools)
        return problems[0] if problems else None

    def _plan_messages(self, state: _State) -> list[Message]:
        tools = "\n".join(f"- {t.usage()}: {t.description}" for t in self.tools.values())
        messages = [Message(role="system", content=PLANNER.format(tools=tools)),
                    Message(role="user", content=state["instruction"])]  # fmt: skip
        for round_, verdict in zip(state["rounds"], state["verdicts"], strict=False):
            shown = _shown(Round.model_validate(round_))
            feedback = verdict.get("feedback") or "the joiner asked for another plan"
            text = REPLAN.format(results=shown, feedback=feedback)
            messages.append(Message(role="user", content=text))
        return messages

    async def _join(self, state: _State) -> tuple[Verdict, list[Usage]]:
        last = Round.model_validate(state["rounds"][-1])
        shown = f"<task>\n{state['instruction']}\n</task>\n<results>\n{_shown(last)}\n</results>"
        messages = [Message(role="system", content=JOINER), Message(role="user", content=shown)]
        try:
            completion = await self.model.complete(
                messages, seed=self.seed + len(state["rounds"]),
                metadata={**self.metadata, "role": "joiner"},
            )  # fmt: skip
        except ModelError as exc:
            return Verdict(action="replan", feedback=f"the joiner's call failed: {exc}"), []
        usage = [completion.usage.model_copy(update={"role": "planner"})]
        reply = completion.choices[0].message.content or ""
        try:
            return Verdict.model_validate_json(_json_object(reply)), usage
        except ValidationError as exc:
            why = f"the joiner's reply is no verdict ({exc.errors()[0]['msg']}): {reply[:200]!r}"
            return Verdict(action="replan", feedback=why), usage


class _NodeStore:
    """Each round's plan text and finished nodes, beside the checkpointer's tables."""

    def __init__(self, path: Path, thread: str) -> None:
        self.thread = thread
        self.db = sqlite3.connect(path, isolation_level=None)  # autocommit: each row at once
        self.db.executescript(
            "CREATE TABLE IF NOT EXISTS plan_rounds (thread TEXT, round INTEGER, plan TEXT,"
            " PRIMARY KEY (thread, round));"
            "CREATE TABLE IF NOT EXISTS plan_nodes (thread TEXT, round INTEGER, idx INTEGER,"
            " line TEXT, result TEXT, PRIMARY KEY (thread, round, idx));"
        )

    def __enter__(self) -> _NodeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    def plan(self, number: int) -> str | None:
        row = self.db.execute("SELECT plan FROM plan_rounds WHERE thread=? AND round=?",
                              (self.thread, number)).fetchone()  # fmt: skip
        return None if row is None else str(row[0])

    def save_plan(self, number: int, text: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO plan_rounds VALUES (?, ?, ?)",
                        (self.thread, number, text))  # fmt: skip

    def results(self, number: int) -> dict[tuple[int, str], NodeResult]:
        rows = self.db.execute("SELECT idx, line, result FROM plan_nodes WHERE thread=? AND "
                               "round=?", (self.thread, number))  # fmt: skip
        return {(idx, line): NodeResult.model_validate_json(result) for idx, line, result in rows}

    def save_result(self, number: int, result: NodeResult) -> None:
        self.db.execute("INSERT OR REPLACE INTO plan_nodes VALUES (?, ?, ?, ?, ?)",
                        (self.thread, number, result.index, result.line,
                         result.model_dump_json()))  # fmt: skip


def _shown(round_: Round) -> str:
    """A round as the planner and the joiner read it: each node's line, status and output."""
    lines = [f"{r.line or f'{r.index}. {r.tool}(...)'} -> {r.status}: {r.output}"
             for r in round_.results]  # fmt: skip
    lines += [f"problem: {p}" for p in round_.problems]
    return "\n".join(lines) or "(nothing ran)"


def _json_object(text: str) -> str:
    """The reply, or the JSON object inside it when a model wrapped it in fences or prose."""
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if start != -1 and end > start else text
