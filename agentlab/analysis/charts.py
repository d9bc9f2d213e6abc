"""Charts of a run, as PNG and SVG: success against compute (tokens, USD, FLOPs, wall time)
with the Pareto frontier marked, pass@k curves, and cost by role.

    charts = write_charts(load_run(Path("runs/demo")), Path("runs/demo/report"))

A point is one strategy x model. Its success counts trials as the campaign summary does
(a trial that errored is a failure; one without a verdict is left out), and its cost is the
mean over those same trials. A group whose cost on an axis is not known (USD of an unpriced
model, FLOPs of a model whose parameter count is unknown) is left out of that chart and
named in its note; every chart is written even when nothing can be drawn, so a report always
has the same set. Figures are built with the object API (no pyplot state) and saved with
fixed sizes, a fixed SVG hash salt and no dates, so the same run gives byte-identical SVGs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import TYPE_CHECKING, Any

from agentlab.analysis.passk import pass_at_k
from agentlab.analysis.run import Run
from agentlab.analysis.stats import bootstrap_ci
from agentlab.campaign.store import TrialRow
from agentlab.cost import ROLES
from agentlab.types import UsageRole

if TYPE_CHECKING:  # matplotlib is imported when charts are drawn: `import agentlab` stays quick
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SIZE = (7.5, 4.5)  # inches; fixed, so the same run gives the same files
DPI = 100
COLORS = tuple(f"C{i}" for i in range(10))
MARKERS = "osD^vP*X<>"
TIMES = "\N{MULTIPLICATION SIGN}"
_drawing = threading.Lock()  # the style is set in matplotlib's global rcParams


@dataclass(frozen=True)
class Chart:
    """A chart written as `png` and `svg`; `note` says what it leaves out, and why."""

    name: str
    title: str
    png: Path
    svg: Path
    note: str = ""


@dataclass(frozen=True)
class Group:
    """The judged trials of one strategy x model."""

    strategy: str
    model: str
    trials: list[TrialRow]

    @property
    def label(self) -> str:
        return f"{self.strategy} {TIMES} {self.model}"

    @property
    def outcomes(self) -> list[float]:
        return [1.0 if row.passed else 0.0 for row in self.trials]


@dataclass(frozen=True)
class Axis:
    """A cost of a trial on the x axis of an accuracy chart; None when it is not known."""

    name: str
    title: str
    label: str  # of the x axis
    of: Callable[[TrialRow], float | None]
    unknown: str  # what a group whose cost is not known is, in a chart's note


AXES = (
    Axis("tokens", "Success vs tokens", "tokens per trial (prompt + completion)",
         lambda r: float(r.prompt_tokens + r.completion_tokens), "tokens unknown"),
    Axis("usd", "Success vs USD", "USD per trial", lambda r: r.usd, "unpriced"),
    Axis("flops", "Success vs FLOPs", "FLOPs per trial (2 · params · tokens)",
         lambda r: r.flops, "FLOPs unknown"),
    Axis("wall", "Success vs wall time", "wall seconds per trial", lambda r: r.wall_s,
         "wall time unknown"),
)  # fmt: skip


def write_charts(run: Run, out: Path) -> list[Chart]:
    """Every chart of a run, as out/<name>.png and out/<name>.svg."""
    import matplotlib

    out.mkdir(parents=True, exist_ok=True)
    groups = groups_of(run.trials)
    # Text is plain SVG <text> (escaped by matplotlib), never TeX or mathtext: a model name
    # with "$" in it is shown as it is. The hash salt makes the SVG's ids the same each time.
    with _drawing, matplotlib.rc_context({  # read as the figures are built and saved
        "svg.hashsalt": "agentlab", "svg.fonttype": "none", "text.usetex": False,
        "text.parse_math": False, "font.family": "DejaVu Sans", "font.size": 9,
    }):  # fmt: skip
        return [
            *(_accuracy(groups, axis, out) for axis in AXES),
            _best_of_k(groups, out),
            _cost_by_role(groups, out),
        ]


def groups_of(rows: Sequence[TrialRow]) -> list[Group]:
    """The judged trials by strategy x model (sorted), as campaign/summary.py counts them;
    counterfactuals (rows with a `parent`) are not the campaign's and are left out."""
    judged: dict[tuple[str, str], list[TrialRow]] = {}
    for row in rows:
        if row.parent is not None:
            continue
        if row.status == "error" or (row.status == "finished" and row.passed is not None):
            judged.setdefault((row.strategy, row.model), []).append(row)
    return [Group(s, m, trials) for (s, m), trials in sorted(judged.items())]


def pareto(points: Sequence[tuple[float, float]]) -> list[int]:
    """Indices of the (cost, accuracy) points no other point beats, by increasing cost.

    A point is beaten by one that costs no more and is no less accurate, and is better on
    one of the two; equal points are all kept.
    """
    order = sorted(range(len(points)), key=lambda i: (points[i][0], -points[i][1]))
    frontier: list[int] = []
    best = float("-inf")
    for i in order:
        cost, accuracy = points[i]
        if frontier and points[frontier[-1]] == (cost, accuracy):
            frontier.append(i)  # the same point again
        elif accuracy > best:
            frontier.append(i)
            best = accuracy
    return frontier


def _accuracy(groups: list[Group], axis: Axis, out: Path) -> Chart:
    known: list[tuple[int, Group, float]] = []  # (index for its look, group, mean cost)
    left_out: list[str] = []
    for i, group in enumerate(groups):
        costs = [axis.of(row) for row in group.trials]
        if any(c is None for c in costs):
            left_out.append(group.label)
        else:
            known.append((i, group, fmean(c for c in costs if c is not None)))
    figure, ax = _figure()
    if known:
        points = [(x, fmean(group.outcomes)) for _, group, x in known]
        for (i, group, _), (x, y) in zip(known, points, strict=True):
            low, high = bootstrap_ci(group.outcomes)
            yerr = [[max(y - low, 0.0)], [max(high - y, 0.0)]]
            ax.errorbar([x], [y], yerr=yerr, fmt=MARKERS[i % len(MARKERS)],
                        color=COLORS[i % len(COLORS)], capsize=3, label=group.label)  # fmt: skip
        frontier = pareto(points)
        ax.step([points[j][0] for j in frontier], [points[j][1] for j in frontier],
                where="post", color="0.4", linestyle="--", linewidth=1,
                label="Pareto frontier", zorder=0)  # fmt: skip
        xs = [x for x, _ in points]
        if min(xs) > 0 and max(xs) / min(xs) > 100:
            ax.set_xscale("log")  # its own tick labels are mathtext, which is off: plain ones
            ax.xaxis.set_major_formatter(lambda x, _: f"{x:g}")
            ax.tick_params(axis="x", which="minor", labelbottom=False)
        ax.autoscale_view()
        to_axes = ax.transData + ax.transAxes.inverted()
        for j in frontier:  # labelled on the side with room
            right = to_axes.transform(points[j])[0] > 0.6
            ax.annotate(known[j][1].label, points[j], textcoords="offset points",
                        xytext=(-5 if right else 5, 5), ha="right" if right else "left",
                        fontsize=7)  # fmt: skip
        ax.set_ylim(-0.05, 1.05)
        ax.legend(fontsize=7, loc="best")
    else:
        _empty(ax, f"{axis.unknown} for every strategy {TIMES} model" if groups else
                   "no judged trials")  # fmt: skip
    ax.set_xlabel(axis.label)
    ax.set_ylabel("success rate (95% bootstrap CI)")
    ax.set_title(axis.title)
    note = f"{axis.unknown}, left out: {', '.join(left_out)}" if left_out else ""
    return _save(figure, f"accuracy_vs_{axis.name}", axis.title, out, note)


def _best_of_k(groups: list[Group], out: Path) -> Chart:
    """pass@k for k up to the fewest samples any task has, averaged over tasks."""
    title = "pass@k"
    figure, ax = _figure()
    for i, group in enumerate(groups):
        by_task: dict[str, list[float]] = {}
        for row, outcome in zip(group.trials, group.outcomes, strict=True):
            by_task.setdefault(row.task_id, []).append(outcome)
        ks = range(1, min(len(samples) for samples in by_task.values()) + 1)
        curve = [fmean(pass_at_k(len(s), int(sum(s)), k) for s in by_task.values()) for k in ks]
        ax.plot(list(ks), curve, marker=MARKERS[i % len(MARKERS)], color=COLORS[i % len(COLORS)],
                label=f"{group.label} ({len(by_task)} tasks)")  # fmt: skip
    if groups:
        ax.set_ylim(-0.05, 1.05)
        ax.locator_params(axis="x", integer=True)
        ax.legend(fontsize=7, loc="best")
    else:
        _empty(ax, "no judged trials")
    ax.set_xlabel("k (samples per task, out of the seeds run)")
    ax.set_ylabel("pass@k, mean over tasks")
    ax.set_title(title)
    return _save(figure, "best_of_k", title, out, "")


def _cost_by_role(groups: list[Group], out: Path) -> Chart:
    """Mean USD per trial by role (tokens, when no group spent a known dollar) beside mean
    sandbox wall seconds by role; an unpriced group has no USD bar, and says so."""
    priced = [all(_usd(r, x) is not None for r in g.trials for x in ROLES) for g in groups]
    in_usd = any(_usd(r, x) for g, p in zip(groups, priced, strict=True) if p
                 for r in g.trials for x in ROLES)  # fmt: skip

    def spent(row: TrialRow, role: str) -> float:
        cost = row.roles.get(role)
        if cost is None:
            return 0.0
        return (cost.usd or 0.0) if in_usd else float(cost.tokens)

    def sandbox_s(row: TrialRow, role: str) -> float:
        cost = row.roles.get(role)
        return cost.sandbox_wall_s if cost else 0.0

    title = "Cost by role"
    figure, (money, sandbox) = _figure(2)
    shown = [i for i, p in enumerate(priced) if p or not in_usd]
    usage = {x: [fmean(spent(r, x) for r in groups[i].trials) for i in shown] for x in ROLES}
    _stack(money, shown, usage)
    left_out = [g.label for i, g in enumerate(groups) if i not in shown]
    for i in sorted(set(range(len(groups))) - set(shown)):
        money.text(0, i, " unpriced", va="center", color="0.4")
    _stack(sandbox, list(range(len(groups))), {
        x: [fmean(sandbox_s(r, x) for r in g.trials) for g in groups] for x in ROLES})  # fmt: skip
    money.set_yticks(range(len(groups)), [g.label for g in groups])
    for ax in (money, sandbox):
        ax.locator_params(axis="x", nbins=4)  # few ticks: the panels are narrow
    money.set_xlabel("USD per trial" if in_usd else "tokens per trial (no USD spent)")
    sandbox.set_xlabel("sandbox wall seconds per trial")
    if groups:
        figure.legend(*money.get_legend_handles_labels(), loc="outside lower center",
                      ncols=len(ROLES), fontsize=7)  # fmt: skip
    else:
        _empty(money, "no judged trials")
    figure.suptitle(title)
    note = f"unpriced, no USD bar: {', '.join(left_out)}" if left_out else ""
    return _save(figure, "cost_by_role", title, out, note)


def _usd(row: TrialRow, role: str) -> float | None:
    cost = row.roles.get(role)
    return cost.usd if cost else 0.0


def _stack(ax: Axes, rows: list[int], by_role: dict[UsageRole, list[float]]) -> None:
    """Horizontal bars at y = `rows`, stacked by role in ROLES' order."""
    left = [0.0] * len(rows)
    for i, role in enumerate(ROLES):
        values = by_role[role]
        ax.barh(rows, values, left=left, color=COLORS[i % len(COLORS)], label=role)
        left = [a + b for a, b in zip(left, values, strict=True)]


def _figure(panels: int = 1) -> tuple[Figure, Any]:
    """A figure of the fixed size, with its axes (an array of them when `panels` > 1)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE, layout="constrained")
    return figure, figure.subplots(1, panels, sharey=True)


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="0.4")


def _save(figure: Figure, name: str, title: str, out: Path, note: str) -> Chart:
    png, svg = out / f"{name}.png", out / f"{name}.svg"
    figure.savefig(png, dpi=DPI, metadata={"Software": None})
    figure.set_layout_engine("none")  # laid out once, for both files
    figure.savefig(svg, metadata={"Date": None})
    return Chart(name, title, png, svg, note)
