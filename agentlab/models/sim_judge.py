"""The simulated model in judge roles: checklist writer, checklist judge, LLM judge, value
model, test writer.

A call names its role in `metadata["role"]`: `checklist_writer`, `checklist_judge`,
`pointwise_judge`, `pairwise_judge`, `value` or `test_writer`. The sim answers in JSON, as a
real model asked for JSON would, and "with configurable accuracy against ground truth it can
see": the ground truth of a transcript is its progress through the task's oracle (of a test,
the task's hidden tests), and the sim's skill is the probability that each verdict or test it
gives is right (seeded by the request, so reproducible).

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

The test writer (`test_writer`) writes as many bash tests as the prompt's `<count>` says. Its
ground truth is the task's hidden tests: a right test (probability skill, drawn per test)
carries the files of `tests/` inside it, runs `test.sh` on them with a temporary
AGENTLAB_VERIFIER_DIR and the task's `[verifier] env`, and exits 0 when the reward reaches the
pass threshold, so it passes exactly when the verifier would. A wrong one is one of three
realistic mistakes, equally likely: a check that always holds (the workspace exists), one that
never does (a file the task never asks for), or an irrelevant one that splits candidates
arbitrarily but deterministically (the parity of a salted checksum of the workspace's files
and the answer).
"""

from __future__ import annotations

import base64
import json
import random
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from agentlab.models.base import ModelError
from agentlab.models.sim import Oracle, stdout_of
from agentlab.tasks import TEST_SCRIPT, load_task
from agentlab.types import Choice, Message

SUBMITTED = "### submitted\n"
_TRANSCRIPT = re.compile(r"<transcript( [AB]|)>\n(.*?)\n</transcript\1>", re.S)
_CHECKLIST = re.compile(r"<checklist>\n(.*?)\n</checklist>", re.S)
_ITEM = re.compile(r"^\s*\d+\.\s+(.*)$", re.M)
_CALL = re.compile(r"^### call [^\n]*\n(.*?)(?=^### |\Z)", re.S | re.M)
_RESULT = re.compile(r"^### result\n(.*?)(?=^### |\Z)", re.S | re.M)
_COUNT = re.compile(r"<count>\s*(\d+)\s*</count>")
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
    elif role == "test_writer":
        reply = _write_tests(oracle, prompt, skill, rng)
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


def _write_tests(oracle: Oracle, prompt: str, skill: float,
                 rng: random.Random) -> dict[str, object]:  # fmt: skip
    """`<count>` tests, each the task's acceptance test with probability `skill`."""
    count = _COUNT.search(prompt)
    if count is None:
        raise ModelError("sim: the prompt has no <count> of tests to write")
    right = {"name": "the task's requirements are met", "script": acceptance_test(oracle.path)}
    tests = [right if rng.random() < skill else _wrong_test(rng) for _ in range(int(count[1]))]
    return {"tests": tests}


def _wrong_test(rng: random.Random) -> dict[str, str]:
    """A realistic mistake: always passes, never passes, or splits candidates arbitrarily."""
    kind = rng.choice(("always", "never", "arbitrary"))
    if kind == "always":
        return {"name": "the workspace is in place", "script": 'test -d "$AGENTLAB_WORKSPACE"\n'}
    if kind == "never":
        return {"name": "the work is summarised in SUMMARY.md", "script": "test -s SUMMARY.md\n"}
    salt = rng.getrandbits(32)
    script = (  # the same workspace and answer always get the same verdict
        "sum=$( { find . -type f -not -path './.git/*' -not -path '*/__pycache__/*' -print0"
        ' | LC_ALL=C sort -z | xargs -0 -r cat; cat "$AGENTLAB_ANSWER_FILE";'
        f" echo {salt}; }} | cksum | cut -d' ' -f1)\n"
        "[ $((sum % 2)) -eq 0 ]\n"
    )
    return {"name": "the output is well formed", "script": script}


_EOF = "AGENTLAB_EOF"  # not base64, so no line of an encoded file can end a heredoc early
# the reward as agentlab.verifier reads it (reward.json, else reward.txt), against $threshold;
# python3 (which every sandbox has: its shell server is python) only for JSON, as it is slow to
# start
_CHECK_REWARD = f"""if [ -f "$v/reward.json" ]; then
python3 - "$v/reward.json" "$threshold" <<'{_EOF}'
import json, sys
metrics = {{str(k): float(x) for k, x in json.load(open(sys.argv[1])).items()}}
reward = metrics.get("reward", sum(metrics.values()) / len(metrics))
sys.exit(0 if min(max(reward, 0.0), 1.0) >= float(sys.argv[2]) else 1)
{_EOF}
else
awk -v t="$threshold" 'NF {{ n++; w = NF; r = $1 }}
  END {{ ok = n == 1 && w == 1 && r ~ /^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$/
        r += 0; r = r < 0 ? 0 : r > 1 ? 1 : r; exit !(ok && r >= t) }}' "$v/reward.txt"
fi
"""


@lru_cache(maxsize=256)
def acceptance_test(task_dir: Path) -> str:
    """A bash test that passes exactly when the task's verifier would: it carries the hidden
    tests, runs them with a temporary verifier folder and compares the reward they write with
    the pass threshold."""
    task = load_task(task_dir)
    tests = task.tests_dir
    if tests is None or not (tests / TEST_SCRIPT).is_file():
        raise ModelError(f"sim: task {task.id} has no tests/{TEST_SCRIPT} to write tests from")
    lines = ["# Runs the task's acceptance tests and checks the reward they give.",
             f"threshold={task.verifier.pass_threshold!r}",
             "t=$(mktemp -d) && v=$(mktemp -d) || exit 2",
             """trap 'rm -rf "$t" "$v"' EXIT"""]  # fmt: skip
    for path in sorted(p for p in tests.rglob("*") if p.is_file()):
        rel = path.relative_to(tests)
        if rel.parent != Path("."):
            lines.append(f'mkdir -p "$t"/{shlex.quote(rel.parent.as_posix())}')
        target = f'"$t"/{shlex.quote(rel.as_posix())}'
        data = base64.encodebytes(path.read_bytes()).decode()
        lines += [f"base64 -d > {target} <<'{_EOF}'", f"{data}{_EOF}"]
        if path.stat().st_mode & 0o111:
            lines.append(f"chmod +x {target}")
    env = "".join(f"{k}={shlex.quote(v)} " for k, v in task.verifier.env.items())
    lines += [f'{env}AGENTLAB_TESTS_DIR="$t" AGENTLAB_VERIFIER_DIR="$v" bash "$t/{TEST_SCRIPT}"'
              " > /dev/null 2>&1", _CHECK_REWARD]  # fmt: skip
    return "\n".join(lines)
