"""The simulated model `sim/<skill>`: an oracle-driven policy with seeded noise, not an LLM.

It answers the same calls a real model gets. Given a task (named by `metadata["task_dir"]`),
it reads the task's oracle, `solution/solve.sh`, as steps (paragraphs separated by blank lines;
lines that share shell state belong in one paragraph). On each call it looks at which oracle
steps the conversation has already run and, seeded by the call, either

- takes the next oracle step as a `bash` call (probability p, rising with skill and falling
  with difficulty: p = skill ** weight, weight 0.5 / 1 / 1.5 for easy / medium / hard),
- explores harmlessly (half of the rest: list or read files), or
- makes a plausible mistake (the other half: submits too early, with a wrong answer),

and submits once every step has run (for question tasks, the output of the last step). It
calls only the tools it is offered (bash and submit when offered none).
Because p is known, tests can check that strategies behave as theory says.

A call whose `metadata["role"]` names a judge role (checklist writer, checklist judge,
pointwise or pairwise judge, value model, test writer) is answered by agentlab.models.sim_judge
instead, and the DAG planner's roles (planner, joiner) by agentlab.models.sim_planner.

Outputs are a pure function of the request, so the same call gives the same answer in-process
and through `agentlab serve-sim`. Usage is reported like a provider's (about 4 characters a
token; the prompt up to the last assistant message counts as cached). Latency follows
time-to-first-token plus tokens per second, zero unless configured. Asked to stream
(`on_text`), it hands its text over a few tokens at a time, each piece when its tokens would
have been generated.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import re
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from agentlab import config
from agentlab.models.base import ModelError, ToolSchema
from agentlab.tasks import SOLVE_SCRIPT, load_task
from agentlab.types import Choice, Completion, Message, ToolCall, Usage

DIFFICULTY_WEIGHT = {"easy": 0.5, "medium": 1.0, "hard": 1.5}
# exploration whose output depends only on the workspace's contents (no paths, no times), so
# the same seed takes the same path in every run and on every backend
EXPLORE = ("ls", "ls -R | head -50", "find . -maxdepth 2 -type f | sort | head -50")
_CHARS_PER_TOKEN = 4
_PIECE = re.compile(r"[^\n]{1,16}\n?|\n")  # about 4 tokens; a line's end ends a piece
_OUTPUT_MARKER = re.compile(r"\n?\[(exit code|stderr|timed out|output truncated)[^\n]*\]", re.I)


@dataclass(frozen=True)
class Latency:
    """Time to first token plus completion tokens at a steady rate; zero by default."""

    ttft_s: float = 0.0
    tokens_per_s: float = 0.0

    def seconds(self, completion_tokens: float) -> float:
        rate = completion_tokens / self.tokens_per_s if self.tokens_per_s else 0.0
        return self.ttft_s + rate


@dataclass(frozen=True)
class Faults:
    """Probabilities of injected faults per call (seeded, so reproducible)."""

    rate_limit: float = 0.0  # 429 with Retry-After
    server_error: float = 0.0  # 500
    timeout: float = 0.0  # no answer in time
    malformed_json: float = 0.0  # a tool call whose arguments are not valid JSON
    disconnect: float = 0.0  # the connection drops: after the first piece when streaming

    def draw(self, rng: random.Random) -> str | None:
        roll = rng.random()
        for name in ("rate_limit", "server_error", "timeout", "malformed_json", "disconnect"):
            p = float(getattr(self, name))
            if roll < p:
                return name
            roll -= p
        return None


class Disconnect(ModelError):
    """The injected `disconnect` fault: serve-sim drops the connection instead of answering."""


@dataclass(frozen=True)
class Oracle:
    steps: tuple[str, ...]
    difficulty: str
    wants_answer: bool
    path: Path  # the task directory, whose hidden tests the sim's test writer can see


@lru_cache(maxsize=1024)
def load_oracle(task_dir: str) -> Oracle:
    """The oracle steps of a task directory (cached: tasks don't change during a run)."""
    task = load_task(Path(task_dir))
    script = task.solution_dir / SOLVE_SCRIPT if task.solution_dir else None
    if script is None or not script.is_file():
        raise ModelError(f"sim: task {task.id} has no solution/{SOLVE_SCRIPT} to follow")
    steps = split_steps(script.read_text())
    return Oracle(steps, task.difficulty, task.agent.wants_answer, Path(task_dir))


def split_steps(script: str) -> tuple[str, ...]:
    """The script's paragraphs, each merged with the next until bash parses it as complete.

    So a heredoc or a function with blank lines inside stays one step. The shebang and
    comment-only paragraphs are dropped; comments elsewhere may be content (in a heredoc).
    """
    lines = script.splitlines()
    if lines and lines[0].startswith("#!"):
        lines = lines[1:]
    paragraphs = [p.strip("\n") for p in "\n".join(lines).split("\n\n") if p.strip()]
    steps: list[str] = []
    pending = ""
    for paragraph in paragraphs:
        pending = f"{pending}\n\n{paragraph}" if pending else paragraph
        if _parses(pending):
            steps.append(pending)
            pending = ""
    if pending:
        steps.append(pending)
    return tuple(s for s in steps if not all(ln.lstrip().startswith("#") for ln in s.splitlines()))


def _parses(code: str) -> bool:
    """bash -n accepts it without complaint (an open heredoc only warns, so stderr counts)."""
    check = subprocess.run(["bash", "-n"], input=code, capture_output=True, text=True,
                           timeout=30, check=False)  # fmt: skip
    return check.returncode == 0 and not check.stderr


def pieces(text: str) -> list[str]:
    """`text` as the sim streams it: pieces of about 4 tokens, none across a line's end."""
    return _PIECE.findall(text)


def count_tokens(text: str) -> int:
    return max(1, (len(text) + _CHARS_PER_TOKEN - 1) // _CHARS_PER_TOKEN) if text else 0


@dataclass
class SimModel:
    """`sim/<skill>`: skill in [0, 1] sets how often it takes the oracle's next step."""

    skill: float
    latency: Latency = field(default_factory=lambda: Latency(*config.sim_latency()))
    faults: Faults = field(default_factory=Faults)

    calls: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.skill <= 1.0:
            raise ValueError(f"sim/{self.skill}: skill must be between 0 and 1")

    @property
    def name(self) -> str:
        return f"sim/{self.skill:g}"

    def step_probability(self, difficulty: str) -> float:
        return float(self.skill ** DIFFICULTY_WEIGHT.get(difficulty, 1.0))

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        tools: Sequence[ToolSchema] | None = None,
        n: int = 1,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
        metadata: dict[str, str] | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> Completion:
        if on_text is not None and n != 1:
            raise ValueError(f"{self.name}: streaming (on_text) is of one choice, not n={n}")
        started = time.monotonic()
        self.calls += 1  # faults are transient: a retried call draws again
        fault = self.faults.draw(_rng(seed, messages, f"fault{self.calls}"))
        if fault == "rate_limit":
            raise ModelError("sim: rate limited", retryable=True, status=429, retry_after=1.0)
        if fault == "server_error":
            raise ModelError("sim: internal error", retryable=True, status=500)
        if fault == "timeout":
            raise ModelError("sim: timed out", retryable=True)
        if fault == "disconnect" and on_text is None:
            raise Disconnect("sim: the connection dropped", retryable=True)
        task_dir = (metadata or {}).get("task_dir")
        if not task_dir:
            raise ModelError("sim: metadata['task_dir'] must name the task the sim plays")
        oracle = load_oracle(task_dir)
        role = (metadata or {}).get("role", "policy")
        if role == "policy":
            names = {t["function"]["name"] for t in tools or []} or {"bash", "submit"}
            choices = [
                self._choose(oracle, messages, names, _rng(seed, messages, f"choice{i}"), fault)
                for i in range(n)
            ]
        elif role in ("planner", "joiner"):
            from agentlab.models import sim_planner  # it builds on this module

            choices = [
                sim_planner.answer(role, oracle, messages, self.skill,
                                   _rng(seed, messages, f"{role}{i}"))
                for i in range(n)
            ]  # fmt: skip
        else:
            from agentlab.models import sim_judge  # it builds on this module

            choices = [
                sim_judge.answer(role, oracle, messages, self.skill,
                                 _rng(seed, messages, f"{role}{i}"), fault)
                for i in range(n)
            ]  # fmt: skip
        prompt = sum(count_tokens(_text(m)) for m in messages)
        cached = sum(count_tokens(_text(m)) for m in messages[: _last_assistant(messages)])
        completion = sum(count_tokens(_text(c.message)) for c in choices)
        wait_s = self.latency.seconds(completion)
        if on_text is not None:
            text = choices[0].message.content or ""
            wait_s -= await self._stream(text, on_text, cut=fault == "disconnect")
        await asyncio.sleep(wait_s)
        return Completion(
            model=self.name,
            choices=choices,
            usage=Usage(prompt_tokens=prompt, completion_tokens=completion, cached_tokens=cached),
            latency_s=time.monotonic() - started,
        )

    async def _stream(self, text: str, on_text: Callable[[str], None], *, cut: bool) -> float:
        """Hands `text` over piece by piece, each when its last token would have been
        generated; returns the seconds waited. `cut`: the connection drops after one piece."""
        waited, generated = 0.0, 0
        for piece in pieces(text)[:1] if cut else pieces(text):
            generated += len(piece)
            due = self.latency.seconds(generated / _CHARS_PER_TOKEN)
            if due > waited:
                await asyncio.sleep(due - waited)
                waited = due
            on_text(piece)
        if cut:
            raise Disconnect("sim: the connection dropped mid-answer", retryable=not text)
        return waited

    def _choose(
        self,
        oracle: Oracle,
        messages: Sequence[Message],
        tools: set[str],
        rng: random.Random,
        fault: str | None,
    ) -> Choice:
        done = _steps_done(oracle, messages)
        roll = rng.random()
        p = self.step_probability(oracle.difficulty)
        if roll < p:
            if done < len(oracle.steps):
                return _call(rng, "bash", {"command": oracle.steps[done]}, fault,
                             f"Next I will run step {done + 1} of my plan.")  # fmt: skip
            answer = _last_output(messages) if oracle.wants_answer else "done"
            return _call(rng, "submit", {"answer": answer}, fault, "The task is complete.")
        if (roll < p + (1 - p) / 2 or "submit" not in tools) and "bash" in tools:
            return _call(rng, "bash", {"command": rng.choice(EXPLORE)}, fault,
                         "Let me look around first.")  # fmt: skip
        wrong = "I am not sure" if oracle.wants_answer else "done"
        return _call(rng, "submit", {"answer": wrong}, fault, "I think this is finished.")


def _call(rng: random.Random, name: str, args: dict[str, str], fault: str | None,
          thought: str) -> Choice:  # fmt: skip
    arguments = json.dumps(args)
    if fault == "malformed_json":
        arguments = arguments[:-1]  # a truncated object, as real models sometimes emit
    call = ToolCall(id=f"call_{rng.getrandbits(48):012x}", name=name, arguments=arguments)
    message = Message(role="assistant", content=thought, tool_calls=[call])
    return Choice(message=message, finish_reason="tool_calls")


def _steps_done(oracle: Oracle, messages: Sequence[Message]) -> int:
    """How many oracle steps the conversation has run, in order."""
    done = 0
    for message in messages:
        for call in message.tool_calls:
            if done < len(oracle.steps) and call.name == "bash":
                try:
                    command = json.loads(call.arguments).get("command")
                except (ValueError, AttributeError):
                    continue
                if command == oracle.steps[done]:
                    done += 1
    return done


def _last_output(messages: Sequence[Message]) -> str:
    """The stdout part of the last tool observation: what a question's answer is read from."""
    for message in reversed(messages):
        if message.role == "tool" and message.content is not None:
            return stdout_of(message.content)
    return ""


def stdout_of(observation: str) -> str:
    """A tool observation less the markers the tools append (exit code, stderr, ...)."""
    return _OUTPUT_MARKER.split(observation, maxsplit=1)[0].strip()


def _last_assistant(messages: Sequence[Message]) -> int:
    for i in range(len(messages) - 1, -1, -1):
        if messages[i].role == "assistant":
            return i
    return 0


def _text(message: Message) -> str:
    calls = " ".join(f"{c.name}({c.arguments})" for c in message.tool_calls)
    return f"{message.content or ''} {calls}".strip()


def _rng(seed: int | None, messages: Sequence[Message], salt: str) -> random.Random:
    """A generator determined by the seed, the conversation so far and what it is for."""
    digest = hashlib.sha256(f"{seed}|{salt}|".encode())
    for m in messages:  # only what survives the trip through the chat-completions wire format
        calls = [[c.id, c.name, c.arguments] for c in m.tool_calls]
        digest.update(json.dumps([m.role, m.content or "", calls, m.tool_call_id or ""]).encode())
    return random.Random(int.from_bytes(digest.digest()[:8], "big"))


def parse_skill(text: str) -> float:
    """`0.6` from `sim/0.6`; a clear error otherwise."""
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"sim/{text}: the skill must be a number between 0 and 1") from None
