"""The simulated model as the DAG planner's planner and joiner (agentlab/planner/loop.py).

Planner (`metadata["role"] == "planner"`): the sim writes the task's oracle plan,
`solution/plan.txt` (docs/planner.md). With probability 1 - skill per plan it writes it with one
flaw of the kinds a model makes: a reference to a node that does not exist, a node that uses
itself, a misspelt tool, a line cut short, or a reference replaced by a plausible literal (the
plan runs but computes the wrong thing). A replan is another draw: the sim writes the whole
plan again. A task without plan.txt is a ModelError: the sim plans only from a known DAG.

Joiner (`role == "joiner"`): from the results it is shown (each node's line, status and output,
then the problems), it asks for a replan when something failed or was rejected, naming it; when
every node of the oracle plan ran as written, it finishes with the last node's output; when the
plan ran but differs from the oracle (a flaw that does not fail), it notices with probability
skill and replans, else it finishes with the wrong output.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence

from agentlab.models.base import ModelError
from agentlab.models.sim import Oracle
from agentlab.types import Choice, Message

PLAN_FILE = "plan.txt"
FLAWS = ("dangling", "self_reference", "misspelt_tool", "cut_line", "literal")
_NODE = re.compile(r"^(\d+)\.\s*([A-Za-z_]\w*)\((.*)\)\s*$")
_REF = re.compile(r"\$(\d+)")
_RESULT = re.compile(r"^(\d+)\.\s*(.*?) -> (done|failed|timeout|cancelled): ?", re.M)


def answer(role: str, oracle: Oracle, messages: Sequence[Message], skill: float,
           rng: random.Random) -> Choice:  # fmt: skip
    """The sim's plan (role `planner`) or verdict (role `joiner`)."""
    plan = oracle_plan(oracle)
    if role == "planner":
        text = plan if rng.random() < skill else flawed(plan, rng)
    elif role == "joiner":
        prompt = next((m.content or "" for m in reversed(messages) if m.role == "user"), "")
        text = json.dumps(_verdict(plan, prompt, skill, rng))
    else:
        raise ModelError(f"sim: unknown role {role!r} in metadata")
    return Choice(message=Message(role="assistant", content=text))


def oracle_plan(oracle: Oracle) -> str:
    path = oracle.path / "solution" / PLAN_FILE
    if not path.is_file():
        raise ModelError(f"sim: task {oracle.path.name} has no solution/{PLAN_FILE} to plan from")
    return path.read_text()


def flawed(plan: str, rng: random.Random) -> str:
    """`plan` with one flaw of a random kind (the first kind that applies, from a random one)."""
    lines = plan.splitlines()
    nodes = [i for i, line in enumerate(lines) if _NODE.match(line) and "join()" not in line]
    with_refs = [i for i in nodes if _REF.search(lines[i])]
    start = rng.randrange(len(FLAWS))
    for kind in FLAWS[start:] + FLAWS[:start]:
        if kind in ("dangling", "literal") and not with_refs:
            continue
        if not nodes:
            break
        at = rng.choice(with_refs if kind in ("dangling", "literal") else nodes)
        line = lines[at]
        if kind == "dangling":
            lines[at] = _REF.sub("$99", line, count=1)
        elif kind == "literal":
            lines[at] = _REF.sub('"0"', line, count=1)
        elif kind == "self_reference":
            index = _NODE.match(line).group(1)  # type: ignore[union-attr]
            lines[at] = line.replace("(", f"(${index}, ", 1) if "()" not in line else line
        elif kind == "misspelt_tool":
            name = _NODE.match(line).group(2)  # type: ignore[union-attr]
            lines[at] = line.replace(f"{name}(", f"{name[:-1]}(", 1)
        else:  # cut_line
            lines[at] = line.rstrip()[:-1]
        break
    return "\n".join(lines) + "\n"


def _verdict(plan: str, prompt: str, skill: float, rng: random.Random) -> dict[str, str]:
    """Finish or replan, from the results block of the joiner's prompt."""
    block = prompt.split("<results>", 1)[-1].split("</results>", 1)[0]
    problems = [line[len("problem: ") :] for line in block.splitlines()
                if line.startswith("problem: ")]  # fmt: skip
    found = list(_RESULT.finditer(block))
    results: dict[int, tuple[str, str, str]] = {}
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(block)
        output = block[match.end() : end].split("\nproblem: ", 1)[0].rstrip("\n")
        results[int(match.group(1))] = (match.group(2), match.group(3), output)
    failed = [f"${i} {status}" for i, (_, status, _) in sorted(results.items()) if status != "done"]
    if problems or failed or not results:
        why = "; ".join(problems + failed) or "nothing ran"
        return {"thought": "the plan did not go through", "action": "replan",
                "feedback": f"fix these and plan again: {why}"}  # fmt: skip
    expected = [m.group(0).strip() for line in plan.splitlines()
                if (m := _NODE.match(line)) and "join()" not in line]  # fmt: skip
    ran = [f"{i}. {line}" for i, (line, _, _) in sorted(results.items())]
    last = results[max(results)][2].strip()
    if [_normal(e) for e in expected] != [_normal(r) for r in ran] and rng.random() < skill:
        return {"thought": "a result does not follow from the task", "action": "replan",
                "feedback": "a node computed the wrong thing: check every reference"}  # fmt: skip
    return {"thought": "every node ran", "action": "finish", "answer": last}


def _normal(line: str) -> str:
    """A node line without its number and spacing, to compare what ran with the oracle."""
    return re.sub(r"\s+", "", line.split(".", 1)[-1])
