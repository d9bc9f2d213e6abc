"""best_of_n on the simulated model: what theory says, seeded, on local sandboxes.

The sim's success probability per rollout is known only through its skill, so each test
measures p from the very samples best-of-N drew (every sample is an ordinary rollout) and
checks the search against what p predicts.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agentlab.agent import Limits
from agentlab.analysis.stats import bootstrap_ci
from agentlab.models.registry import get_model
from agentlab.registry import build, parse_spec
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import load_task
from agentlab.trial import TrialContext
from agentlab.types import Task, Trajectory
from judges.verifier import VerifierJudge
from strategies.best_of_n import BestOfN, sample_seed

TRIALS = 30


def make_task(root: Path, *, question: bool, difficulty: str = "medium", name: str = "") -> Task:
    """Three oracle steps; a question (answer 42) or a file to leave behind."""
    folder = root / (name or ("question" if question else "file"))
    for sub in ("solution", "tests"):
        (folder / sub).mkdir(parents=True)
    (folder / "task.toml").write_text(f'difficulty = "{difficulty}"\n[agent]\nwants_answer = '
                                      f'{"true" if question else "false"}\n')  # fmt: skip
    (folder / "instruction.md").write_text("Double the number in n.txt and report it." +
                                           (f" ({name})" if name else ""))  # fmt: skip
    last = "echo $(( $(cat n.txt) * 2 ))" if question else "echo $(( $(cat n.txt) * 2 )) > out"
    (folder / "solution" / "solve.sh").write_text(f"echo 20 > n.txt\n\necho 21 > n.txt\n\n{last}\n")
    check = '[ "$(cat "$AGENTLAB_ANSWER_FILE")" = 42 ]' if question else '[ "$(cat out)" = 42 ]'
    (folder / "tests" / "test.sh").write_text(
        f'{check} && echo 1 > "$AGENTLAB_VERIFIER_DIR/reward.txt" || echo 0 > '
        '"$AGENTLAB_VERIFIER_DIR/reward.txt"\n'
    )
    return load_task(folder)


async def run(task: Task, strategy: str, skill: float, trials: int = TRIALS) -> list[Trajectory]:
    """`trials` seeded trials of `strategy`, eight at a time."""
    model = get_model(f"sim/{skill}")
    gate = asyncio.Semaphore(8)

    async def trial(seed: int) -> Trajectory:
        async with gate:
            ctx = TrialContext(
                model, LocalProvider(), [VerifierJudge()], Limits(max_steps=12), seed
            )
            return await build(parse_spec("strategy", strategy)).solve(task, ctx)

    return list(await asyncio.gather(*(trial(seed) for seed in range(trials))))


def passed(trajectory: Trajectory) -> float:
    return 1.0 if trajectory.scores and trajectory.scores[0].passed else 0.0


async def test_best_of_n_with_the_verifier_tracks_one_minus_one_minus_p_to_the_n(
    tmp_path: Path,
) -> None:
    task = make_task(tmp_path, question=False)
    n = 4
    trials = await run(task, f"best_of_n:n={n},select=oracle", 0.5)
    samples = [passed(s) for t in trials for s in t.branches]
    assert len(samples) == n * TRIALS
    p = sum(samples) / len(samples)
    assert 0.2 < p < 0.8  # a task where searching matters
    outcomes = [passed(t) for t in trials]
    low, high = bootstrap_ci(outcomes)
    assert low <= 1 - (1 - p) ** n <= high, (p, low, high)
    assert sum(outcomes) / TRIALS > p  # coverage beats a single sample
    # the trial's cost is that of all n samples
    assert trials[0].usage.completion_tokens == sum(
        s.usage.completion_tokens for s in trials[0].branches
    )


@pytest.mark.parametrize(("skill", "vote_wins"), [(0.9, True), (0.7, False)])
async def test_majority_vote_helps_when_p_is_above_half_and_hurts_below(
    tmp_path: Path, skill: float, vote_wins: bool
) -> None:
    task = make_task(tmp_path, question=True)
    trials = await run(task, "best_of_n:n=5,select=vote", skill)
    p = sum(passed(s) for t in trials for s in t.branches) / (5 * TRIALS)
    vote = sum(passed(t) for t in trials) / TRIALS
    assert (p > 0.5) is vote_wins, p
    assert (vote > p) is vote_wins, (vote, p)


async def test_votes_over_workspaces_pick_the_most_common_final_state(tmp_path: Path) -> None:
    task = make_task(tmp_path, question=False)
    [trial] = await run(task, "best_of_n:n=5,select=vote", 0.9, trials=1)
    [step] = trial.steps
    votes: dict[str, float] = step.outputs["votes"]
    chosen = trial.branches[step.outputs["selected"]]
    assert max(votes.values()) == votes[chosen.scores[-1].details["digest"]]
    assert trial.scores[0].judge == "verifier" and len(trial.scores) == 1


async def test_any_strategy_can_be_the_sampler_and_broken_samples_are_kept(
    tmp_path: Path,
) -> None:
    task = make_task(tmp_path, question=True)
    [trial] = await run(task, 'best_of_n:n=2,select=vote,inner="best_of_n:n=3,select=oracle"',
                        0.6, trials=1)  # fmt: skip
    assert [len(b.branches) for b in trial.branches] == [3, 3]
    broken = make_task(tmp_path / "b", question=True)
    (broken.path / "tests" / "test.sh").unlink()  # type: ignore[operator]
    [trial] = await run(broken, "best_of_n:n=2,select=oracle", 1.0, trials=1)
    assert trial.scores[0].error and not passed(trial)


async def test_a_knockout_of_pairwise_comparisons_picks_the_better_samples(
    tmp_path: Path,
) -> None:
    task = make_task(tmp_path, question=False)
    judge = "llm_judge:model=sim/0.95,mode=pairwise"
    trials = await run(task, f'best_of_n:n=4,select=tournament,judge="{judge}"', 0.5, trials=16)
    p = sum(passed(s) for t in trials for s in t.branches) / (4 * 16)
    rate = sum(map(passed, trials)) / 16
    assert rate > p + 0.2, (rate, p)
    for trial in trials:
        [step] = trial.steps
        matches = step.outputs["matches"]
        assert len(matches) == 3 and matches[-1][2] == step.outputs["selected"]
        assert step.usage and step.usage.role == "judge"  # the comparisons are in the cost
        assert trial.usage.completion_tokens == sum(b.usage.completion_tokens
                                                    for b in trial.branches) + \
            step.usage.completion_tokens  # fmt: skip


def test_bad_arguments_name_what_exists() -> None:
    with pytest.raises(ValueError, match="select='best'; choose judge, vote"):
        BestOfN(select="best")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="select=judge needs judge="):
        BestOfN(select="judge")
    with pytest.raises(ValueError, match=r"select=tournament needs a pairwise judge, e\.g\."):
        BestOfN(select="tournament", judge="llm_judge:model=sim/0.9")
    with pytest.raises(ValueError, match=r"select=judge needs a judge that scores, e\.g\."):
        BestOfN(select="judge", judge="llm_judge:model=sim/0.9,mode=pairwise")
    with pytest.raises(ValueError, match=r"unknown strategy 'nope'; registered: .*react"):
        BestOfN(inner="nope")
    assert len({sample_seed(7, i) for i in range(100)}) == 100
