"""`agentlab report DIR`: a run directory as a static HTML report with a trajectory viewer.

    DIR/report/index.html       summary, cost by role, charts, per-task results, failures,
                                and the list of trials (one small record each) for the viewer
    DIR/report/trials/<id>.js   one trial's trajectory, loaded by the viewer when it is opened
    DIR/report/charts/          the charts (agentlab.analysis.charts), SVG shown, PNG linked

It needs no server and no network: the viewer (report_assets/viewer.js) loads a trial with a
<script> tag, which works from file://. `index.html#trial=<id>` opens that trial.

Everything the run holds is escaped: html.escape in the page; JSON with `<`, `>` and `&` as
\\u escapes in the data the viewer reads, whose script inserts text only as text nodes. A run
still in progress shows what is finished; a trajectory file that cannot be read is listed with
its error, and the rest of the report is written.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from agentlab.analysis.charts import Chart, write_charts
from agentlab.analysis.failures import classify
from agentlab.analysis.run import Run, load_run
from agentlab.campaign.store import DONE, TrialRow
from agentlab.campaign.summary import summarize
from agentlab.cost import ROLES
from agentlab.trajectory import TrajectoryFormatError
from agentlab.types import Cost, Trajectory

ASSETS = ("viewer.js", "style.css")
BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 112, 34, 16, 56, 10  # drawn trees and DAGs, in pixels
_NODE_STATES = {"done", "failed", "timeout", "cancelled", "submitted", "chosen", "passed"}


@dataclass
class Entry:
    """One trial as the report lists it: its row, outcome, failure and viewer file."""

    row: TrialRow
    outcome: str  # passed, failed, error, unjudged, pending, running
    category: str | None = None
    step: int | None = None
    detail: str = ""
    error: str | None = None  # why its trajectory could not be read
    file: str | None = None  # trials/<file>, when it has a trajectory

    def record(self) -> dict[str, Any]:
        """What index.html embeds for the trial list: small (the trial's file has the rest)."""
        r = self.row
        return {"id": r.id, "task": r.task_id, "strategy": r.strategy, "model": r.model,
                "seed": r.seed, "outcome": self.outcome, "category": self.category,
                "step": self.step, "detail": self.detail[:300], "error": self.error,
                "file": self.file, "tokens": r.prompt_tokens + r.completion_tokens,
                "usd": r.usd, "parent": r.parent, "from_step": r.from_step}  # fmt: skip


def write_report(run_dir: Path, out: Path | None = None) -> Path:
    """Writes the report of `run_dir` into `out` (default run_dir/report); returns index.html."""
    run = load_run(run_dir)
    out = out or run_dir / "report"
    (out / "trials").mkdir(parents=True, exist_ok=True)
    entries = [_entry(run, row, out / "trials") for row in run.trials]
    charts = write_charts(run, out / "charts")
    assets = resources.files("agentlab.analysis") / "report_assets"
    for name in ASSETS:
        (out / name).write_text((assets / name).read_text())
    index = out / "index.html"
    index.write_text(_page(run, entries, charts, out))
    return index


def _entry(run: Run, row: TrialRow, folder: Path) -> Entry:
    """The trial's outcome and failure; writes its viewer file when it has a trajectory."""
    outcome = row.status if row.status not in DONE else \
        "error" if row.status == "error" else \
        "unjudged" if row.passed is None else "passed" if row.passed else "failed"  # fmt: skip
    entry = Entry(row, outcome)
    if row.status not in DONE:
        return entry
    try:
        trajectory = run.trajectory(row.id)
    except TrajectoryFormatError as exc:
        entry.error = str(exc)
        return entry
    except OSError as exc:
        entry.error = f"{run.path(row.id)}: {exc.strerror or exc}"
        return entry
    verdict = classify(trajectory)
    if verdict is not None:
        entry.category, entry.step, entry.detail = verdict
    entry.file = f"{_file_name(row.id)}.js"
    data = {**entry.record(), "trajectory": _viewable(trajectory)}
    (folder / entry.file).write_text(f"window.agentlabTrial({script_json(data)});\n")
    return entry


def script_json(data: object) -> str:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&` appears in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _file_name(trial_id: str) -> str:
    """The id itself when it is a safe file name (agentlab's ids are hex), else a digest."""
    if re.fullmatch(r"[\w.-]{1,100}", trial_id) and not trial_id.startswith("."):
        return trial_id
    return hashlib.sha256(trial_id.encode()).hexdigest()[:16]


# -- the viewer's data: the trajectory, with its search trees and plan DAGs laid out ----------


def _viewable(trajectory: Trajectory) -> dict[str, Any]:
    data = trajectory.model_dump(mode="json")
    _lay_out(data)
    return data


def _lay_out(data: dict[str, Any]) -> None:
    """Adds `drawing` to each plan step (its search tree or DAG) and `tree` to a trajectory
    whose branches no plan step draws (best_of_n's samples, dag's sub-tasks), recursively."""
    drawn = False
    for step in data["steps"]:
        outputs = step.get("outputs") or {}
        if step["kind"] == "plan" and isinstance(outputs.get("nodes"), list):
            step["drawing"] = _search_tree(outputs["nodes"], outputs.get("chosen"))
            drawn = True
        elif step["kind"] == "plan" and isinstance(outputs.get("results"), list):
            step["drawing"] = _plan_dag(outputs["results"], outputs.get("critical_path") or [])
    if data["branches"] and not drawn:
        data["tree"] = _branch_tree(data)
    for branch in data["branches"]:
        _lay_out(branch)


def _search_tree(rows: list[dict[str, Any]], chosen: object) -> dict[str, Any]:
    """beam / mcts nodes: node i is branch i; its value, prior, visits and action as a tooltip."""
    nodes = {}
    for row in rows:
        state = "chosen" if row.get("id") == chosen else \
            "submitted" if row.get("end") == "submitted" else ""  # fmt: skip
        action = "\n".join(str(a) for a in row.get("action") or []) or "(root)"
        title = (f"node {row.get('id')}  depth {row.get('depth')}  value {row.get('value')}  "
                 f"prior {row.get('prior')}  visits {row.get('visits')}  "
                 f"end {row.get('end')}\n{action}")  # fmt: skip
        nodes[row.get("id")] = {
            "label": f"{row.get('id')} · {_short(row.get('value'))}",
            "title": title,
            "state": state,
            "branch": row.get("id"),
        }
    edges = [(row.get("parent"), row.get("id")) for row in rows if row.get("parent") in nodes]
    return _layered(nodes, edges, "tree")


def _plan_dag(results: list[dict[str, Any]], path: Sequence[object]) -> dict[str, Any]:
    """A plan's nodes, an edge from each dependency to its dependant; the critical path bold."""
    nodes = {}
    for r in results:
        nodes[r.get("index")] = {
            "label": f"${r.get('index')} {r.get('tool')}",
            "title": f"{r.get('line')}\n{r.get('status')}: {str(r.get('output'))[:500]}",
            "state": r.get("status"), "critical": r.get("index") in path,
        }  # fmt: skip
    edges = [(d, r.get("index")) for r in results for d in r.get("deps") or [] if d in nodes]
    return _layered(nodes, edges, "dag")


def _branch_tree(data: dict[str, Any]) -> dict[str, Any]:
    """The trial and its branches (recursively), each labelled with its verifier's value."""
    nodes: dict[object, dict[str, Any]] = {}
    edges: list[tuple[object, object]] = []

    def add(branch: dict[str, Any], key: str, label: str, index: int | None) -> None:
        score = next((s for s in branch.get("scores") or [] if s.get("value") is not None), None)
        value = f" · {_short(score['value'])}" if score else ""
        answer = str(branch.get("answer") or "")[:300]
        nodes[key] = {"label": f"{label}{value}", "branch": index,
                      "state": "passed" if score and score.get("passed") else "",
                      "title": f"{label}: {branch.get('end_reason')}\n{answer}"}  # fmt: skip
        for i, child in enumerate(branch.get("branches") or []):
            top = key == "t"  # the trial's own branches: clicking one opens it
            edges.append((key, f"{key}.{i}"))
            add(child, f"{key}.{i}", f"#{i}" if top else f"{label}.{i}", i if top else None)

    add(data, "t", "trial", None)
    return _layered(nodes, edges, "tree")


def _layered(nodes: dict[Any, dict[str, Any]], edges: list[tuple[Any, Any]],
             kind: str) -> dict[str, Any]:  # fmt: skip
    """Layers by topological generation; a node sits under its parents' mean position, or
    the next free slot to its right."""
    graph: nx.DiGraph[Any] = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    if not nx.is_directed_acyclic_graph(graph):  # a malformed record: draw it flat
        graph.remove_edges_from(list(graph.edges))
    x: dict[Any, float] = {}
    y: dict[Any, int] = {}
    for depth, layer in enumerate(nx.topological_generations(graph)):

        def mean(n: Any) -> float:
            parents = [x[p] for p in graph.predecessors(n)]
            return sum(parents) / len(parents) if parents else 0.0

        free = 0.0
        for n in sorted(layer, key=lambda n: (mean(n), str(n))):
            x[n], y[n] = max(free, round(mean(n))), depth
            free = x[n] + 1
    widest = int(max(x.values(), default=0)) + 1

    def at(n: Any) -> tuple[int, int]:
        return MARGIN + int(x[n]) * (BOX_W + GAP_X), MARGIN + y[n] * (BOX_H + GAP_Y)

    drawn = []
    for n, node in nodes.items():
        left, top = at(n)
        state = node.get("state")
        drawn.append({"x": left, "y": top, "label": str(node["label"])[:18],
                      "title": str(node["title"]), "branch": node.get("branch"),
                      "state": state if state in _NODE_STATES else "",
                      "critical": bool(node.get("critical"))})  # fmt: skip
    lines = []
    for a, b in graph.edges:
        (ax, ay), (bx, by) = at(a), at(b)
        lines.append(
            {
                "x1": ax + BOX_W // 2,
                "y1": ay + BOX_H,
                "x2": bx + BOX_W // 2,
                "y2": by,
                "critical": bool(nodes[a].get("critical") and nodes[b].get("critical")),
            }
        )
    layers = max(y.values(), default=0) + 1
    return {"kind": kind, "width": 2 * MARGIN + widest * (BOX_W + GAP_X) - GAP_X,
            "height": 2 * MARGIN + layers * (BOX_H + GAP_Y) - GAP_Y, "box": [BOX_W, BOX_H],
            "nodes": drawn, "edges": lines}  # fmt: skip


def _short(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


# -- the page --------------------------------------------------------------------------------


def _page(run: Run, entries: list[Entry], charts: list[Chart], out: Path) -> str:
    name = run.dir.resolve().name
    done = sum(e.row.status in DONE for e in entries)
    progress = f"{done} of {len(entries)} trials done"
    waiting = [f"{sum(e.outcome == s for e in entries)} {s}" for s in ("pending", "running")]
    if done < len(entries):
        progress += f" (in progress: {', '.join(waiting)}); this report shows what is finished"
    unreadable = "".join(f"<li>{_e(e.error)}</li>" for e in entries if e.error)
    campaign = [e for e in entries if e.row.parent is None]  # counterfactuals: only in the list
    sections = []
    if unreadable:
        sections.append(("problems", "Unreadable trajectories", f"<ul>{unreadable}</ul>"))
    sections += [
        ("summary", "Summary", _summary(campaign)),
        ("cost", "Cost by role", _cost_by_role(campaign)),
        ("charts", "Charts", _charts(charts, out)),
        ("tasks", "Per-task results", _per_task(campaign)),
        ("failures", "Failure categories", _failures(entries)),
    ]
    nav = "".join(f'<a href="#{key}">{title}</a>' for key, title, _ in sections)
    body = "".join(f'<section id="{key}"><h2>{title}</h2>{content}</section>'
                   for key, title, content in sections)  # fmt: skip
    records = script_json([e.record() for e in entries])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>agentlab report: {_e(name)}</title>
<link rel="stylesheet" href="style.css">
</head><body>
<header><h1>agentlab report: {_e(name)}</h1>
<p class="meta">{_e(str(run.dir))} · {_e(_shape(entries))} · {_e(progress)}</p>
<nav>{nav}<a href="#trials">Trials</a></nav></header>
<main>
{body}
<section id="trials"><h2>Trials</h2>
<div class="filters">
<label>status <select id="status-filter"><option value="">all</option></select></label>
<label>failure <select id="category-filter"><option value="">all</option></select></label>
<label>search <input id="text-filter" type="search" placeholder="task, strategy, model, id">
</label><span id="shown"></span></div>
<div class="trials"><div class="list"><table id="trial-list"><thead><tr><th>task</th>
<th>strategy</th><th>model</th><th>seed</th><th>status</th><th>failure</th></tr></thead>
<tbody></tbody></table></div>
<div id="viewer"><p class="hint">Choose a trial to see its steps.</p></div></div>
</section>
</main>
<script type="application/json" id="trial-data">{records}</script>
<script src="viewer.js"></script>
</body></html>
"""


def _shape(entries: list[Entry]) -> str:
    """What the run is made of, counted from its trials (a run may hold several campaigns)."""
    rows = [e.row for e in entries]
    counts = [(len({r.task_id for r in rows}), "tasks"),
              (len({(r.strategy, r.model) for r in rows}), "strategy/model pairs"),
              (len({r.seed for r in rows}), "seeds")]  # fmt: skip
    return " · ".join(f"{n} {what}" for n, what in counts)


def _summary(entries: list[Entry]) -> str:
    rows = [e.row for e in entries]
    groups = _groups(rows)
    body = []
    for s in summarize(rows):
        group = groups[(s.strategy, s.model)]
        cost = _total(group)
        success = "—" if s.success != s.success else f"{s.success:.2f}"  # NaN: none judged
        ci = "" if s.success != s.success else f"[{s.ci_low:.2f}, {s.ci_high:.2f}]"
        body.append([_e(s.strategy), _e(s.model), str(s.trials),
                     str(sum(r.status in DONE for r in group)), str(s.errors), success, ci,
                     f"{cost.tokens:,}", _usd(cost, group), _flops(cost.flops),
                     f"{cost.sandbox_cpu_s:.1f}", f"{cost.sandbox_wall_s:.1f}",
                     f"{sum(r.wall_s or 0.0 for r in group):.1f}"])  # fmt: skip
    return _table(["strategy", "model", "trials", "done", "errors", "success", "95% CI",
                   "tokens", "USD", "FLOPs", "sandbox CPU s", "sandbox wall s", "wall s"],
                  body, numeric_from=2)  # fmt: skip


def _cost_by_role(entries: list[Entry]) -> str:
    body = []
    for (strategy, model), group in sorted(_groups([e.row for e in entries]).items()):
        spent: dict[str, Cost] = defaultdict(Cost)
        for row in group:
            for role, cost in row.roles.items():
                spent[role] = spent[role] + cost
        order = [r for r in ROLES if r in spent] + sorted(set(spent) - set(ROLES))
        for role in order:
            c = spent[role]
            body.append(
                [
                    _e(strategy),
                    _e(model),
                    _e(role),
                    str(c.calls),
                    f"{c.prompt_tokens:,}",
                    f"{c.completion_tokens:,}",
                    f"{c.cached_tokens:,}",
                    _usd(c, group),
                    _flops(c.flops),
                    f"{c.sandbox_cpu_s:.1f}",
                    f"{c.sandbox_wall_s:.1f}",
                ]
            )
    if not body:
        return "<p>No cost recorded yet.</p>"
    return _table(
        [
            "strategy",
            "model",
            "role",
            "calls",
            "prompt",
            "completion",
            "cached",
            "USD",
            "FLOPs",
            "sandbox CPU s",
            "sandbox wall s",
        ],
        body,
        numeric_from=3,
    )


def _charts(charts: list[Chart], out: Path) -> str:
    figures = []
    for chart in charts:
        svg, png = (_e(Path(os.path.relpath(p, out)).as_posix()) for p in (chart.svg, chart.png))
        note = f"<p class='note'>{_e(chart.note)}</p>" if chart.note else ""
        figures.append(f'<figure><img src="{svg}" alt="{_e(chart.title)}" loading="lazy">'
                       f'<figcaption>{_e(chart.title)} · <a href="{png}">PNG</a> · '
                       f'<a href="{svg}">SVG</a>{note}</figcaption></figure>')  # fmt: skip
    return f'<div class="charts">{"".join(figures)}</div>'


def _per_task(entries: list[Entry]) -> str:
    columns = sorted({(e.row.strategy, e.row.model) for e in entries})
    cells: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
    for e in entries:
        cells[(e.row.task_id, e.row.strategy, e.row.model)].append(e)
    body = []
    for task in sorted({e.row.task_id for e in entries}):
        row = [_e(task)]
        for strategy, model in columns:
            group = cells[(task, strategy, model)]
            judged = [e for e in group if e.outcome in ("passed", "failed", "error")]
            passes = sum(e.outcome == "passed" for e in judged)
            unjudged = sum(e.outcome == "unjudged" for e in group)
            waiting = sum(e.outcome in ("pending", "running") for e in group)
            text = f"{passes}/{len(judged)}"
            text += f" +{unjudged} unjudged" if unjudged else ""
            text += f" +{waiting} to run" if waiting else ""
            hue = f' style="background:hsl({int(120 * passes / len(judged))},60%,88%)"' \
                if judged else ""  # fmt: skip
            row.append(f'<span class="cell"{hue}>{text}</span>' if group else "")
        body.append(row)
    headers = ["task"] + [f"{s} · {m}" for s, m in columns]
    note = "<p>Passed / judged trials per task (an errored trial counts as failed).</p>"
    return note + _table(headers, body, numeric_from=1)


def _failures(entries: list[Entry]) -> str:
    failed = [e for e in entries if e.category]
    if not failed:
        return "<p>No failed trials.</p>"
    columns = sorted({(e.row.strategy, e.row.model) for e in failed})
    counts = [[_e(c)] + [str(sum(e.category == c and (e.row.strategy, e.row.model) == g
                                 for e in failed)) for g in columns]
              for c in sorted({e.category for e in failed if e.category})]  # fmt: skip
    table = _table(["category"] + [f"{s} · {m}" for s, m in columns], counts, numeric_from=1)
    listed = [
        [
            f'<a href="#trial={_e(e.row.id)}">{_e(e.row.id)}</a>',
            _e(e.category or ""),
            _e(e.row.task_id),
            _e(e.row.strategy),
            _e(e.row.model),
            "" if e.step is None else str(e.step),
            _e(e.detail[:200]),
        ]
        for e in sorted(failed, key=lambda e: (e.category or "", e.row.task_id))
    ]
    return table + _table(["trial", "category", "task", "strategy", "model", "step", "detail"],
                          listed)  # fmt: skip


def _groups(rows: Iterable[TrialRow]) -> dict[tuple[str, str], list[TrialRow]]:
    groups: dict[tuple[str, str], list[TrialRow]] = defaultdict(list)
    for row in rows:
        groups[(row.strategy, row.model)].append(row)
    return groups


def _total(rows: Sequence[TrialRow]) -> Cost:
    """The rows' cost: their tokens and sandbox seconds, USD and FLOPs None if any's is."""
    total = Cost()
    for r in rows:
        total = total + Cost(
            prompt_tokens=r.prompt_tokens,
            completion_tokens=r.completion_tokens,
            cached_tokens=r.cached_tokens,
            usd=r.usd,
            flops=r.flops,
            sandbox_cpu_s=r.sandbox_cpu_s,
            sandbox_wall_s=r.sandbox_wall_s,
        )
    return total


def _usd(cost: Cost, rows: Sequence[TrialRow]) -> str:
    """Dollars, or `unpriced` naming the models without a price (never a silent $0)."""
    if cost.usd is not None:
        return f"${cost.usd:.4f}"
    names = cost.unpriced or sorted({n for r in rows for c in r.roles.values() for n in c.unpriced}
                                    or {r.model for r in rows if r.usd is None})  # fmt: skip
    return f'<span class="unpriced">unpriced ({_e(", ".join(names))})</span>'


def _flops(flops: float | None) -> str:
    return '<span class="unknown">unknown</span>' if flops is None else f"{flops:.3g}"


def _table(headers: list[str], rows: list[list[str]], numeric_from: int | None = None) -> str:
    """A table of cells already escaped; columns from `numeric_from` on align right."""

    def cell(i: int, text: str, tag: str) -> str:
        right = numeric_from is not None and i >= numeric_from
        return f"<{tag}{' class=num' if right else ''}>{text}</{tag}>"

    head = "".join(cell(i, _e(h), "th") for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell(i, c, "td") for i, c in enumerate(r)) + "</tr>"
                   for r in rows)  # fmt: skip
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _e(text: str) -> str:
    return html.escape(text, quote=True)
