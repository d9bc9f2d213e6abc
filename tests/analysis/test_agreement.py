"""Judge agreement with the verifier, on hand-made trajectories with hand-computed kappas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentlab.analysis.agreement import render_agreement, verifier_agreement
from agentlab.cli import main
from agentlab.trajectory import save
from agentlab.types import Score, Trajectory


def judged(**verdicts: bool | str) -> Trajectory:
    """A trajectory scored by each named judge: a verdict, or an error message (it failed)."""
    scores = [
        Score(judge=name, value=0.0, passed=False, error=verdict)
        if isinstance(verdict, str)
        else Score(judge=name, value=float(verdict), passed=verdict)
        for name, verdict in verdicts.items()
    ]
    return Trajectory(task_id="t", scores=scores)


VERIFIER = [True] * 4 + [False] * 6
LLM = [True, True, True, False, True] + [False] * 5  # tp 3, fn 1, fp 1, tn 5


def campaign() -> list[Trajectory]:
    scored = [judged(verifier=v, llm=j) for v, j in zip(VERIFIER, LLM, strict=True)]
    return [*scored, judged(verifier=True, llm="judge timed out"), judged(llm=True),
            judged(verifier="no reward file", llm=False)]  # fmt: skip


def test_agreement_counts_only_trajectories_both_scored() -> None:
    [llm] = verifier_agreement(campaign())
    assert (llm.judge, llm.n, llm.missing) == ("llm", 10, 3)
    assert llm.accuracy == pytest.approx(0.8)
    assert llm.precision == pytest.approx(3 / 4) and llm.recall == pytest.approx(3 / 4)
    # p_o = 0.8; p_e = 0.4 * 0.4 + 0.6 * 0.6 = 0.52; kappa = 0.28 / 0.48
    assert llm.kappa == pytest.approx(7 / 12)


def test_kappa_in_degenerate_cases() -> None:
    agreements = verifier_agreement([
        judged(verifier=v, echo=True, yes=True, no=False, broken="crashed")
        for v in [True, True, True]
    ] + [judged(verifier=False, yes=True, no=False)])  # fmt: skip
    by_judge = {a.judge: a for a in agreements}
    assert list(by_judge) == ["broken", "echo", "no", "yes"]
    # echo and the verifier said "pass" to all three: p_o = p_e = 1, reported as 1.0
    assert by_judge["echo"].model_dump() == {"judge": "echo", "n": 3, "missing": 1,
        "accuracy": 1.0, "precision": 1.0, "recall": 1.0, "kappa": 1.0}  # fmt: skip
    # yes passes all four: p_o = p_e = 3/4, no better than chance
    assert by_judge["yes"].kappa == 0.0 and by_judge["yes"].precision == pytest.approx(0.75)
    # no fails all four: it never said "pass", so its precision is undefined
    assert by_judge["no"].kappa == 0.0 and by_judge["no"].precision is None
    assert by_judge["no"].recall == 0.0 and by_judge["no"].accuracy == pytest.approx(0.25)
    # broken always failed: nothing to compare
    assert by_judge["broken"].model_dump() == {"judge": "broken", "n": 0, "missing": 4,
        "accuracy": None, "precision": None, "recall": None, "kappa": None}  # fmt: skip


def test_perfect_disagreement_has_kappa_minus_one() -> None:
    [contrary] = verifier_agreement([judged(verifier=v, contrary=not v) for v in [True, False]])
    assert contrary.kappa == -1.0 and contrary.accuracy == 0.0


def test_without_a_verifier_score_it_is_an_error() -> None:
    with pytest.raises(ValueError, match="no trajectory has a 'verifier' score"):
        verifier_agreement([judged(llm=True), judged(verifier="crashed", llm=False)])


def test_the_table_prints_undefined_metrics_as_a_dash() -> None:
    table = render_agreement(verifier_agreement([judged(verifier=True, llm=True, no=False)]))
    lines = [line.split() for line in table.splitlines()]
    assert lines[0] == ["judge", "n", "missing", "accuracy", "precision", "recall", "kappa"]
    assert lines[2] == ["llm", "1", "0", "1.00", "1.00", "1.00", "1.00"]
    assert lines[3] == ["no", "1", "0", "0.00", "-", "0.00", "0.00"]


def store(run: Path, trajectories: list[Trajectory]) -> None:
    for i, trajectory in enumerate(trajectories):
        save(trajectory, run / "trajectories" / f"{i:04d}.json.gz")


def test_cli_reports_agreement_as_json_and_as_a_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store(tmp_path, campaign())
    assert main(["judges", "agreement", str(tmp_path), "--json"]) == 0
    [llm] = json.loads(capsys.readouterr().out)
    assert llm == {"judge": "llm", "n": 10, "missing": 3, "accuracy": 0.8, "precision": 0.75,
                   "recall": 0.75, "kappa": pytest.approx(7 / 12)}  # fmt: skip
    assert main(["judges", "agreement", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[2].split() == [
        "llm", "10", "3", "0.80", "0.75", "0.75", "0.58"]  # fmt: skip


def test_cli_names_a_directory_without_trajectories_or_verifier_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["judges", "agreement", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"agentlab: error: {tmp_path}: no trajectories")
    store(tmp_path, [judged(llm=True)])
    assert main(["judges", "agreement", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(
        f"agentlab: error: {tmp_path}: no trajectory has a 'verifier' score"
    )
