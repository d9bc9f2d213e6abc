"""The test_vote judge: agreement with the verifier, its cache, isolation between tests, failure,
and CodeMonkeys-style selection with best_of_n, on the simulated test writer."""

from __future__ import annotations

import importlib
import json
import sys
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from judge_runs import CountingModel

from agentlab import environment
from agentlab.models.sim import Faults, SimModel, load_oracle
from agentlab.models.sim_judge import acceptance_test
from agentlab.registry import build, parse_spec
from agentlab.sandbox.base import Sandbox
from agentlab.sandbox.local import LocalProvider
from agentlab.types import Choice, Completion, Message, Task, Trajectory, Usage, VerifierSpec
from agentlab.verifier import run_verifier
from judges import test_vote
from judges.asking import prompt

sys.path.insert(0, str(Path(__file__).parents[1] / "strategies"))
best_of_n = importlib.import_module("test_best_of_n")  # make_task, run and passed
DIGEST = "find . -type f | LC_ALL=C sort | xargs cat | sha256sum"
KILL_SHELL_SERVER = """p=$$
while [ "$p" -gt 1 ]; do  # up the ancestors to this local sandbox's shell server, and no further
  if tr '\\0' ' ' < /proc/$p/cmdline | grep -q -- --confine; then kill -9 "$p"; exit 0; fi
  p=$(cut -d' ' -f4 /proc/$p/stat)
done
exit 1
"""


class FixedWriter:
    """A test writer that always writes `scripts` (name: script)."""

    name = "fixed"

    def __init__(self, scripts: dict[str, str]) -> None:
        self.reply = json.dumps({"tests": [{"name": n, "script": s} for n, s in scripts.items()]})

    async def complete(self, messages: Sequence[Message], **kwargs: Any) -> Completion:
        message = Message(role="assistant", content=self.reply)
        return Completion(model=self.name, choices=[Choice(message=message)], usage=Usage())


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("AGENTLAB_CACHE", str(folder))
    return folder


@pytest.fixture
async def sandboxes() -> AsyncIterator[list[Sandbox]]:
    """Sandboxes the test starts (append them), closed after it."""
    started: list[Sandbox] = []
    yield started
    for sandbox in started:
        await sandbox.close()


async def candidate(task: Task, sandboxes: list[Sandbox], steps: int,
                    answer: str | None = None) -> tuple[Trajectory, Sandbox]:  # fmt: skip
    """A sandbox where the first `steps` oracle steps ran, and a trajectory submitting `answer`."""
    sandbox = await environment.start(task, LocalProvider())
    sandboxes.append(sandbox)
    for step in load_oracle(str(task.path)).steps[:steps]:
        assert (await sandbox.exec(step, cwd=sandbox.workspace)).ok
    return Trajectory(task_id=task.id, answer=answer), sandbox


async def digest(sandbox: Sandbox) -> str:
    return (await sandbox.exec(DIGEST, cwd=sandbox.workspace)).stdout


@pytest.mark.parametrize("question", [True, False])
async def test_with_an_accurate_writer_the_votes_agree_with_the_verifier(
    tmp_path: Path, sandboxes: list[Sandbox], question: bool
) -> None:
    task = best_of_n.make_task(tmp_path, question=question)
    judge = test_vote.TestVoteJudge("sim/1.0", tests=3)
    verdicts = set()
    for steps, answer in [(3, "42"), (3, "41"), (2, "40"), (0, None)]:
        trajectory, sandbox = await candidate(task, sandboxes, steps, answer)
        before = await digest(sandbox)
        score = await judge.score(task, trajectory, sandbox)
        assert await digest(sandbox) == before  # the workspace is as the candidate left it
        verdict = await run_verifier(task, sandbox, answer)
        assert score.value == (1.0 if verdict.passed else 0.0) and score.passed == verdict.passed
        assert [t["passed"] for t in score.details["tests"]] == [verdict.passed] * 3  # type: ignore[attr-defined]
        verdicts.add(verdict.passed)
    assert verdicts == {True, False}


async def test_the_tests_are_written_once_per_task(
    tmp_path: Path, sandboxes: list[Sandbox], cache: Path
) -> None:
    task = best_of_n.make_task(tmp_path, question=True)
    judge = test_vote.TestVoteJudge("sim/0.9", tests=4)
    judge.model = counting = CountingModel(judge.model)
    scores = [await judge.score(task, *await candidate(task, sandboxes, 3, a)) for a in "12"]
    assert counting.roles == {"test_writer": 1}
    assert scores[0].usage and scores[0].usage.role == "judge" and scores[1].usage is None
    assert [len(s.details["tests"]) for s in scores] == [4, 4]  # type: ignore[arg-type]
    assert len(list((cache / "test_vote").iterdir())) == 1

    again = test_vote.TestVoteJudge("sim/0.9", tests=4)  # the next trial's instance: from disk
    again.model = counting = CountingModel(again.model)
    rescored = await again.score(task, *await candidate(task, sandboxes, 3, "1"))
    assert counting.roles == {} and rescored.details == scores[0].details
    other = test_vote.TestVoteJudge("sim/0.9", tests=2)  # another count is another set
    other.model = counting = CountingModel(other.model)
    await other.score(task, *await candidate(task, sandboxes, 3, "1"))
    assert counting.roles == {"test_writer": 1}
    assert len(list((cache / "test_vote").iterdir())) == 2
    assert build(parse_spec("judge", "test_vote:model=sim/0.9")).spec.args == {
        "model": "sim/0.9", "tests": 5}  # fmt: skip


async def test_a_failing_writer_gives_a_missing_score_and_no_sandbox_is_an_error(
    tmp_path: Path, sandboxes: list[Sandbox]
) -> None:
    task = best_of_n.make_task(tmp_path, question=True)
    trajectory, sandbox = await candidate(task, sandboxes, 3, "42")
    judge = test_vote.TestVoteJudge("sim/0.9")
    judge.model = SimModel(0.9, faults=Faults(server_error=1.0))
    score = await judge.score(task, trajectory, sandbox)
    assert score.missing and "internal error" in (score.error or "")
    judge.model = SimModel(0.9, faults=Faults(malformed_json=1.0))
    score = await judge.score(task, trajectory, sandbox)
    assert score.missing and "not a JSON object" in (score.error or "") and score.usage
    judge.model = FixedWriter({})
    score = await judge.score(task, trajectory, sandbox)
    assert score.missing and "wrote no usable tests" in (score.error or "")
    with pytest.raises(ValueError, match="pass the sandbox the agent used"):
        await judge.score(task, trajectory, None)
    with pytest.raises(ValueError, match="tests=0 must be >= 1"):
        test_vote.TestVoteJudge("sim/0.9", tests=0)


async def test_no_test_changes_what_the_next_sees_and_broken_tests_fail(
    tmp_path: Path, sandboxes: list[Sandbox]
) -> None:
    task = best_of_n.make_task(tmp_path, question=True)
    task = task.model_copy(update={"verifier": VerifierSpec(timeout_sec=1)})
    judge = test_vote.TestVoteJudge("sim/0.9")
    judge.model = FixedWriter({
        "vandal": 'rm n.txt && echo 7 > "$AGENTLAB_ANSWER_FILE"',
        "sees the work": 'test -f n.txt && [ "$(cat "$AGENTLAB_ANSWER_FILE")" = 42 ]',
        "hangs": "sleep 30",
        "fails": "exit 3",
    })  # fmt: skip
    trajectory, sandbox = await candidate(task, sandboxes, 3, "42")
    before = await digest(sandbox)
    score = await judge.score(task, trajectory, sandbox)
    outcomes = {t["name"]: t for t in score.details["tests"]}  # type: ignore[attr-defined]
    assert [t["passed"] for t in outcomes.values()] == [True, True, False, False]
    assert outcomes["hangs"]["timed_out"] and outcomes["fails"]["exit_code"] == 3
    assert score.value == 0.5 and not score.passed and await digest(sandbox) == before

    judge = test_vote.TestVoteJudge("sim/0.8")  # another address: not the tests cached above
    judge.model = FixedWriter({
        "kills the sandbox": KILL_SHELL_SERVER,
        "would pass": "true",
    })  # fmt: skip
    trajectory, sandbox = await candidate(task, sandboxes, 3, "42")
    score = await judge.score(task, trajectory, sandbox)  # the judge goes on
    assert score.value == 0.0 and not score.missing
    assert all("sandbox failed" in t["error"] for t in score.details["tests"])  # type: ignore[attr-defined]
    assert "shell is closed" in score.details["tests"][1]["error"]  # type: ignore[index]


async def test_the_sim_writes_right_tests_at_its_skill(tmp_path: Path) -> None:
    task = best_of_n.make_task(tmp_path, question=True)
    right = acceptance_test(task.path)  # type: ignore[arg-type]
    messages = [Message(role="system", content="You write tests."),
                Message(role="user", content=prompt(task, ("count", "10")))]  # fmt: skip
    meta = {"role": "test_writer", "task_dir": str(task.path)}

    async def written(sim: SimModel, seed: int) -> list[dict[str, str]]:
        completion = await sim.complete(messages, seed=seed, metadata=meta)
        return list(json.loads(completion.choices[0].message.content or "")["tests"])

    assert await written(SimModel(0.7), 3) == await written(SimModel(0.7), 3)  # a pure function
    tests = [t for seed in range(30) for t in await written(SimModel(0.7), seed)]
    assert len(tests) == 300
    assert 0.62 < sum(t["script"] == right for t in tests) / 300 < 0.78
    kinds = Counter(t["name"] for t in tests if t["script"] != right)
    assert len(kinds) == 3 and min(kinds.values()) > 15  # every kind of mistake is made
    assert all(t["script"] == right for t in await written(SimModel(1.0), 0))
    assert not any(t["script"] == right for t in await written(SimModel(0.0), 0))


async def test_selection_by_tests_beats_one_sample_only_when_the_tests_are_right(
    tmp_path: Path,
) -> None:
    """CodeMonkeys' set-up on a task where one sample passes with p about 0.4. The samples are
    the same for both writers (the same seeds); only the tests that choose among them differ."""
    task = best_of_n.make_task(tmp_path, question=False)
    n, trials = 4, 16
    chosen, p = {}, {}
    for writer in (0.9, 0.0):
        spec = f'best_of_n:n={n},select=judge,judge="test_vote:model=sim/{writer},tests=3"'
        runs = await best_of_n.run(task, spec, 0.5, trials=trials)
        p[writer] = sum(best_of_n.passed(s) for t in runs for s in t.branches) / (n * trials)
        chosen[writer] = sum(best_of_n.passed(t) for t in runs) / trials
    assert p[0.9] == p[0.0] and 0.3 < p[0.9] < 0.6, p
    coverage = 1 - (1 - p[0.9]) ** n  # what a perfect selector would reach
    assert chosen[0.9] > p[0.9] + 0.25 and chosen[0.9] > coverage - 0.15, (chosen, p, coverage)
    # Tests written at skill 0 are wrong, but not noise: each is a fixed function of the final
    # workspace (always pass, never pass, or an arbitrary split), so every right sample gets
    # the same verdict. On this task the split goes against the right workspace, and selection
    # does no better than one sample: here it never picks a passing one.
    assert chosen[0.0] <= p[0.0], (chosen, p)
