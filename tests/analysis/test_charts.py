"""Charts of a run: the Pareto frontier, every chart of a real campaign as valid PNG and SVG,
byte-identical SVGs, and groups of unknown cost left out and named."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from agentlab import Campaign, Chart, load_tasks, write_charts
from agentlab.analysis.charts import TIMES as X
from agentlab.analysis.charts import pareto
from agentlab.analysis.run import Run, load_run
from agentlab.campaign.store import Store, TrialRow
from agentlab.sandbox.local import LocalProvider
from agentlab.types import Cost
from environments.os_tasks import TASKS_DIR

NAMES = ["accuracy_vs_tokens", "accuracy_vs_usd", "accuracy_vs_flops", "accuracy_vs_wall",
         "best_of_k", "cost_by_role"]  # fmt: skip
SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: Path) -> list[str]:
    """The SVG's <text> contents (it is parsed, so it must be well-formed XML)."""
    root = ET.parse(svg).getroot()
    assert root.tag == f"{SVG}svg"
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize(
    ("points", "frontier"),
    [
        ([], []),
        ([(1.0, 0.5)], [0]),
        ([(3.0, 0.9), (1.0, 0.5), (2.0, 0.4), (2.0, 0.7)], [1, 3, 0]),  # by increasing cost
        ([(1.0, 0.5), (1.0, 0.6), (2.0, 0.6)], [1]),  # same cost: the more accurate; then none
        ([(1.0, 0.5), (1.0, 0.5), (0.5, 0.2)], [2, 0, 1]),  # equal points are both kept
        ([(0.0, 1.0), (5.0, 1.0)], [0]),
    ],
)
def test_pareto_keeps_the_points_nothing_beats(
    points: list[tuple[float, float]], frontier: list[int]
) -> None:
    assert pareto(points) == frontier


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """A real campaign: 2 strategies x 2 models x 2 seeds on 2 tasks; sim/0.9 is priced
    with a parameter count, sim/0.5 is free and its FLOPs unknown."""
    out = tmp_path_factory.mktemp("charts") / "run"
    tasks = load_tasks([TASKS_DIR])[:2]
    prices = {"sim/0.9": {"input": 1.0, "output": 4.0, "params": 8e9}}
    Campaign(tasks, ["react", "best_of_n:n=2"], ["sim/0.5", "sim/0.9"], seeds=2, out=out,
             sandbox=LocalProvider(), prices=prices).run_sync()  # fmt: skip
    return load_run(out)


@pytest.fixture(scope="module")
def charts(run: Run) -> list[Chart]:
    return write_charts(run, run.dir / "charts")


def test_every_chart_of_a_real_run_is_a_valid_png_and_svg(run: Run, charts: list[Chart]) -> None:
    assert [c.name for c in charts] == NAMES
    for chart in charts:
        assert chart.png == run.dir / "charts" / f"{chart.name}.png"
        assert chart.png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        shown = texts(chart.svg)
        assert chart.title in shown
        assert not any("$" in t for t in shown)  # no mathtext left raw (log axes' ticks)
    by_name = {c.name: c for c in charts}
    tokens = texts(by_name["accuracy_vs_tokens"].svg)
    for label in (f"react {X} sim/0.9", f"best_of_n:n=2 {X} sim/0.5", "Pareto frontier"):
        assert label in tokens
    assert by_name["accuracy_vs_tokens"].note == ""
    assert by_name["accuracy_vs_usd"].note == ""  # sim/0.5 is free, not unpriced
    flops = by_name["accuracy_vs_flops"]
    assert flops.note == f"FLOPs unknown, left out: best_of_n:n=2 {X} sim/0.5, react {X} sim/0.5"
    assert f"react {X} sim/0.9" in texts(flops.svg)
    assert f"react {X} sim/0.5" not in texts(flops.svg)
    roles = texts(by_name["cost_by_role"].svg)
    assert "USD per trial" in roles and "policy" in roles and "verifier" in roles


def test_the_same_run_gives_byte_identical_svgs(
    run: Run, charts: list[Chart], tmp_path: Path
) -> None:
    for a, b in zip(charts, write_charts(run, tmp_path), strict=True):
        assert a.svg.read_bytes() == b.svg.read_bytes(), a.name


def row(trial: str, model: str, passed: bool, usd: float | None, tokens: int) -> TrialRow:
    unpriced = [model] if usd is None else []
    policy = Cost(calls=1, prompt_tokens=tokens, usd=usd, flops=None, unpriced=unpriced,
                  sandbox_wall_s=0.5)  # fmt: skip
    return TrialRow(id=trial, task_id=f"task-{trial[-1]}", strategy="react", model=model, seed=0,
                    status="finished", passed=passed, prompt_tokens=tokens, usd=usd, flops=None,
                    roles={"policy": policy}, wall_s=1.0)  # fmt: skip


def stored(directory: Path, rows: list[TrialRow]) -> Run:
    directory.mkdir()
    store = Store(directory / "store.sqlite")
    store.add(rows)
    for r in rows:
        store.finish(r.id, **{k: v for k, v in r if k not in {"id", "task_id", "strategy",
                                                               "model", "seed"}})  # fmt: skip
    store.close()
    return load_run(directory)


def test_unpriced_models_are_named_and_left_out_and_names_are_plain_text(tmp_path: Path) -> None:
    odd = "acme/<b>$x$</b>"  # markup and mathtext in a name are shown as they are
    run = stored(tmp_path / "run", [
        row("a1", "openai/gpt-9", True, None, 10),
        row("a2", "openai/gpt-9", False, None, 10),
        row("b1", odd, True, 0.01, 5_000),
        row("b2", odd, True, 0.02, 20_000),  # 3 decades from a in tokens: a log axis
    ])  # fmt: skip
    charts = {c.name: c for c in write_charts(run, tmp_path / "charts")}
    usd = charts["accuracy_vs_usd"]
    assert usd.note == f"unpriced, left out: react {X} openai/gpt-9"
    assert f"react {X} {odd}" in texts(usd.svg)
    assert f"react {X} openai/gpt-9" not in texts(usd.svg)
    assert f"react {X} openai/gpt-9" in texts(charts["accuracy_vs_tokens"].svg)
    assert {"100", "1000"} <= set(texts(charts["accuracy_vs_tokens"].svg))  # plain log ticks
    assert charts["accuracy_vs_flops"].note.startswith(f"FLOPs unknown, left out: react {X} ")
    assert f"FLOPs unknown for every strategy {X} model" in texts(charts["accuracy_vs_flops"].svg)
    roles = charts["cost_by_role"]
    assert roles.note == f"unpriced, no USD bar: react {X} openai/gpt-9"
    assert {"USD per trial", " unpriced"} <= set(texts(roles.svg))


def test_a_run_without_judged_trials_still_gets_every_chart(tmp_path: Path) -> None:
    run = stored(tmp_path / "run", [])
    charts = write_charts(run, tmp_path / "charts")
    assert [c.name for c in charts] == NAMES
    assert all(isinstance(c, Chart) and "no judged trials" in texts(c.svg) for c in charts)
