"""The simulated model in judge roles: checklist writer, checklist judge, LLM judge, value model.

A call names its role in `metadata["role"]`: `checklist_writer`, `checklist_judge`,
`pointwise_judge`, `pairwise_judge` or `value`. The sim answers in JSON, as a real model asked
for JSON would, and "with configurable accuracy against ground truth it can see": the ground
truth of a transcript is its progress through the task's oracle, and the sim's skill is the
probability that each verdict it gives is right (seeded by the request, so reproducible).

What it reads from the prompt (the last user message), as the bundled judges write it:

- transcripts between `<transcript>` and `</transcript>` (pairwise: `<transcript A>` ...
  `</transcript A>` and the same for B), in the format of judges/asking.py: tool calls show
  their command verbatim, `### result` introduces a tool's output, and `### submitted`
  introduces the final submission;
- checklist items numbered `1. ...`, one a line, between `<checklist>` and `</checklist>`.

Ground truth of a transcript: `done`, how many oracle steps its tool calls ran, in order; `solved`,
every step ran and the work was submitted (for a question, with the output of the last step as
the answer). Item i of a checklist of n items is met when done / steps >= (i + 1) / n, except
the last, which is met when solved: the writer's items (one per oracle step, then "submitted")
are exactly these, and a task's own items are read as milestones in order.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from agentlab.models.base import ModelError
from agentlab.models.sim import Oracle, stdout_of
from agentlab.types import Choice, Message

SUBMITTED = "### submitted\n"
_TRANSCRIPT = re.compile(r"<transcript( [AB]|)>\n(.*?)\n</transcript\1>", re.S)
_CHECKLIST = re.compile(r"<checklist>\n(.*?)\n</checklist>", re.S)
_ITEM = re.compile(r"^\s*\d+\.\s+(.*)$", re.M)
_CALL = re.compile(r"^### call [^\n]*\n(.*?)(?=^### |\Z)", re.S | re.M)
_RESULT = re.compile(r"^### result\n(.*?)(?=^### |\Z)", re.S | re.M)
_VALUE_NOISE = 0.5  # the value model's noise (standard deviation) at skill 0; none at skill 1


@dataclass(frozen=True)
class Progress:
    """How far a transcript got through the oracle."""

    done: int
    steps: int
    submitted: bool
    solved: bool

    @property
    def fraction(self) -> float:
        return self.done / self.steps if self.steps else 1.0

    def item_met(self, index: int, count: int) -> bool:
        """Ground truth of checklist item `index` of `count` (see the module's docstring)."""
        return self.solved if index == count - 1 else self.fraction >= (index + 1) / count

    def describe(self) -> str:
        end = "submitted" if self.submitted else "did not submit"
        return f"{self.done} of {self.steps} required steps done; {end}"


def progress(oracle: Oracle, transcript: str) -> Progress:
    """The ground truth the sim can see in one transcript."""
    done, at = 0, 0
    commands = _commands(transcript)
    for step in oracle.steps:
        found = commands.find(step, at)
        if found < 0:
            break
        done, at = done + 1, found + len(step)
    _, sep, answer = transcript.rpartition(SUBMITTED)
    solved = bool(sep) and done == len(oracle.steps)
    if solved and oracle.wants_answer:
        result = _RESULT.search(transcript, at)
        solved = result is not None and stdout_of(result.group(1)) == answer.strip() != ""
    return Progress(done, len(oracle.steps), bool(sep), solved)


def _commands(transcript: str) -> str:
    """The transcript with all but its tool calls blanked, in place: a step is done when the
    agent ran it, not when a message names it (a reviewer's feedback, say)."""
    kept = ["\0"] * len(transcript)
    for call in _CALL.finditer(transcript):
        kept[call.start(1) : call.end(1)] = call.group(1)
    return "".join(kept)


def answer(role: str, oracle: Oracle, messages: Sequence[Message], skill: float,
           rng: random.Random, fault: str | None) -> Choice:  # fmt: skip
    """The sim's reply in a judge role, as JSON text (cut short by a malformed_json fault)."""
    prompt = next((m.content or "" for m in reversed(messages) if m.role == "user"), "")
    if role == "checklist_writer":
        reply: dict[str, object] = {"items": write_checklist(oracle)}
    elif role == "checklist_judge":
        reply = _judge_checklist(oracle, prompt, skill, rng)
    elif role == "pointwise_judge":
        reply = _judge_pointwise(oracle, prompt, skill, rng)
    elif role == "pairwise_judge":
        reply = _judge_pair(oracle, prompt, skill, rng)
    elif role == "value":
        reply = _estimate_value(oracle, prompt, skill, rng)
    else:
        raise ModelError(f"sim: unknown role {role!r} in metadata")
    text = json.dumps(reply)
    if fault == "malformed_json":
        text = text[:-1]
    return Choice(message=Message(role="assistant", content=text))


def write_checklist(oracle: Oracle) -> list[str]:
    """One item per oracle step (named by its comment or first line), then the submission."""
    items = [f"The agent carries out: {_headline(step)}" for step in oracle.steps]
    what = "the answer the work produced" if oracle.wants_answer else "the finished work"
    return [*items, f"The agent completes every step and submits {what}"]


def _headline(step: str) -> str:
    first = step.strip().splitlines()[0].strip()
    return first.lstrip("#").strip() if first.startswith("#") else f"`{first[:100]}`"


def _transcripts(prompt: str) -> dict[str, str]:
    """The prompt's transcripts by name ("" alone, "A" and "B" in a pair)."""
    found = {name.strip(): text for name, text in _TRANSCRIPT.findall(prompt)}
    if not found:
        raise ModelError("sim: the prompt has no <transcript> to judge")
    return found


def _right(skill: float, rng: random.Random, truth: bool) -> bool:
    """The verdict given: the truth with probability `skill`, else its opposite."""
    return truth if rng.random() < skill else not truth


def _judge_checklist(oracle: Oracle, prompt: str, skill: float,
                     rng: random.Random) -> dict[str, object]:  # fmt: skip
    seen = progress(oracle, _transcripts(prompt)[""])
    block = _CHECKLIST.search(prompt)
    items = _ITEM.findall(block.group(1)) if block else []
    if not items:
        raise ModelError("sim: the prompt has no numbered <checklist> items")
    answers = [
        {"item": i + 1, "met": _right(skill, rng, seen.item_met(i, len(items))),
         "rationale": seen.describe()}
        for i in range(len(items))
    ]  # fmt: skip
    return {"answers": answers}


def _judge_pointwise(oracle: Oracle, prompt: str, skill: float,
                     rng: random.Random) -> dict[str, object]:  # fmt: skip
    """1.0 when it judges the task solved, else partial credit below one half."""
    seen = progress(oracle, _transcripts(prompt)[""])
    solved = _right(skill, rng, seen.solved)
    score = 1.0 if solved else round(0.4 * seen.fraction, 2)
    return {"score": score, "rationale": seen.describe()}


def _judge_pair(oracle: Oracle, prompt: str, skill: float,
                rng: random.Random) -> dict[str, object]:  # fmt: skip
    """The transcript further along (solved first, then steps done) wins; equal ones tie."""
    found = _transcripts(prompt)
    if not {"A", "B"} <= found.keys():
        raise ModelError("sim: a pairwise prompt needs <transcript A> and <transcript B>")
    a, b = (progress(oracle, found[name]) for name in ("A", "B"))
    key_a, key_b = (a.solved, a.done), (b.solved, b.done)
    truth = "A" if key_a > key_b else "B" if key_b > key_a else "tie"
    if rng.random() < skill:
        preferred = truth
    else:
        preferred = {"A": "B", "B": "A"}.get(truth) or rng.choice("AB")
    return {"preferred": preferred, "rationale": f"A: {a.describe()}. B: {b.describe()}."}


def _estimate_value(oracle: Oracle, prompt: str, skill: float,
                    rng: random.Random) -> dict[str, object]:  # fmt: skip
    """Progress (steps done, and the submission, of all there is) plus noise that skill damps."""
    seen = progress(oracle, _transcripts(prompt)[""])
    truth = (seen.done + seen.solved) / (seen.steps + 1)
    noisy = truth + rng.gauss(0.0, _VALUE_NOISE * (1.0 - skill))
    return {"value": round(min(max(noisy, 0.0), 1.0), 3)}
