"""Campaign: tasks x strategies x models x seeds, run concurrently and stored so a re-run resumes.

    campaign = Campaign(tasks, ["react"], ["sim/0.6"], seeds=2, out=Path("runs/x"), sandbox="local")
    results = campaign.run_sync()

The run directory holds `campaign.json` (the spec), `store.sqlite` (a row per trial),
and `trajectories/<trial id>.json.gz`. Trial ids hash what defines a trial, so running the same
campaign again skips finished trials and re-runs only the ones that were interrupted.

A strategy with a shared budget (agentlab.trial.SharedBudget) runs its trials of one model and
seed as a group: every task is probed, the budget is shared out, then every task finishes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
import traceback
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from agentlab.agent import Limits
from agentlab.campaign.store import DONE, Store, TrialRow
from agentlab.cost import price_for
from agentlab.environment import sandbox_provider
from agentlab.models.base import ModelClient
from agentlab.models.registry import get_model
from agentlab.registry import Kind, build, parse_spec
from agentlab.sandbox.base import SandboxProvider
from agentlab.sandbox.pool import SandboxPool
from agentlab.trajectory import load, save
from agentlab.trial import Judge, Probe, SharedBudget, TrialContext
from agentlab.types import PluginSpec, Task, Trajectory


class CampaignSpec(BaseModel):
    """What defines a campaign; stored as campaign.json."""

    tasks: list[str] = Field(description="task ids")
    strategies: list[PluginSpec]
    models: list[str]
    seeds: list[int]
    judges: list[PluginSpec]
    budget: Limits = Field(default_factory=Limits, description="limits of every rollout")


class TrialSpec(BaseModel):
    task_id: str
    strategy: PluginSpec
    model: str
    seed: int

    def trial_id(self, judges: Sequence[PluginSpec], budget: Limits) -> str:
        """A hash of everything that defines the trial: change any of it and it runs anew."""
        key = json.dumps(
            [self.task_id, self.strategy.model_dump(), self.model, self.seed,
             [j.model_dump() for j in judges], budget.model_dump()],
            sort_keys=True,
        )  # fmt: skip
        return hashlib.sha256(key.encode()).hexdigest()[:16]


def _shown(address: str) -> str:
    """A model address without `user:password@` in its URL: safe to store and print."""
    return re.sub(r"(://)[^/@\s]+@", r"\1", address)


def _specs(kind: Kind, items: Sequence[str | PluginSpec]) -> list[PluginSpec]:
    return [i if isinstance(i, PluginSpec) else parse_spec(kind, i) for i in items]


class Campaign:
    """Runs every trial of the cross product not yet finished in `out`, `concurrency` at once.

    Sandboxes come from a SandboxPool that keeps `pool_size` warm ones per task environment
    (0: none; worth it when trials share a task, as seeds and searches do) and closes each
    handed-back one in the background, so no trial waits for a close.
    """

    def __init__(
        self,
        tasks: Sequence[Task],
        strategies: Sequence[str | PluginSpec],
        models: Sequence[str],
        *,
        out: Path,
        seeds: int | Sequence[int] = 1,
        judges: Sequence[str | PluginSpec] = ("verifier",),
        budget: Limits | None = None,
        concurrency: int = 4,
        pool_size: int = 0,
        sandbox: str | SandboxProvider = "auto",
        progress: bool = False,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"Campaign(concurrency={concurrency}): must be >= 1")
        if pool_size < 0:
            raise ValueError(f"Campaign(pool_size={pool_size}): must be >= 0")
        self.tasks = {t.id: t for t in tasks}
        # stored and shown as given, less any credentials in a URL
        self.clients: dict[str, ModelClient] = {_shown(m): get_model(m) for m in models}
        self.spec = CampaignSpec(
            tasks=list(self.tasks),
            strategies=_specs("strategy", strategies),
            models=list(self.clients),
            seeds=list(range(seeds)) if isinstance(seeds, int) else list(seeds),
            judges=_specs("judge", judges),
            budget=budget or Limits(),
        )
        for spec in self.spec.strategies + self.spec.judges:
            build(spec)  # fail now, naming the plug-in, rather than in every trial
        self.prices = {m: price_for(m) for m in self.clients}  # an unknown price stops us here
        self.out = out
        self.provider = sandbox_provider(sandbox) if isinstance(sandbox, str) else sandbox
        self.concurrency = concurrency
        self.pool_size = pool_size
        self.progress = progress

    def trials(self) -> list[tuple[str, TrialSpec]]:
        specs = [
            TrialSpec(task_id=t, strategy=s, model=m, seed=seed)
            for t in self.spec.tasks
            for s in self.spec.strategies
            for m in self.spec.models
            for seed in self.spec.seeds
        ]
        return [(spec.trial_id(self.spec.judges, self.spec.budget), spec) for spec in specs]

    def run_sync(self) -> list[TrialRow]:
        return asyncio.run(self.run())

    async def run(self) -> list[TrialRow]:
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "trajectories").mkdir(exist_ok=True)
        (self.out / "campaign.json").write_text(self.spec.model_dump_json(indent=2))
        store = Store(self.out / "store.sqlite")
        pool = SandboxPool(self.provider, size=self.pool_size)
        try:
            trials = self.trials()
            store.add([TrialRow(id=i, task_id=s.task_id, strategy=str(s.strategy),
                                model=s.model, seed=s.seed) for i, s in trials])  # fmt: skip
            status = store.status()
            todo = [(i, s) for i, s in trials if status.get(i) not in DONE]
            gate = asyncio.Semaphore(self.concurrency)
            shared = {str(s) for s in self.spec.strategies
                      if getattr(build(s), "shared_budget", False)}  # fmt: skip
            groups: dict[tuple[str, str, int], list[tuple[str, TrialSpec]]] = defaultdict(list)
            for i, s in trials:  # shared-budget trials, done or not, by what they share
                if str(s.strategy) in shared:
                    groups[(str(s.strategy), s.model, s.seed)].append((i, s))
            alone = [(i, s) for i, s in todo if (str(s.strategy), s.model, s.seed) not in groups]
            with _Progress(len(trials), len(trials) - len(todo), self.progress) as bar:

                async def one(trial_id: str, spec: TrialSpec) -> None:
                    async with gate:
                        await self._run_trial(store, pool, trial_id, spec)
                        bar.advance()

                await asyncio.gather(
                    *(one(i, s) for i, s in alone),
                    *(self._run_group(store, pool, gate, bar.advance, members, status)
                      for members in groups.values()),
                )  # fmt: skip
            mine = {i for i, _ in trials}  # rows of an earlier, different spec stay out
            return [r for r in store.rows() if r.id in mine]
        finally:
            await pool.close()
            store.close()

    async def _run_trial(
        self, store: Store, pool: SandboxPool, trial_id: str, spec: TrialSpec
    ) -> None:
        store.start(trial_id)
        task, ctx = self.tasks[spec.task_id], self._context(spec, pool)
        started = time.monotonic()
        trajectory = await _attempt(spec, lambda: build(spec.strategy).solve(task, ctx))
        self._record(store, trial_id, spec, trajectory, time.monotonic() - started)

    async def _run_group(
        self,
        store: Store,
        pool: SandboxPool,
        gate: asyncio.Semaphore,
        advance: Callable[[], None],
        members: list[tuple[str, TrialSpec]],
        status: dict[str, str],
    ) -> None:
        """A shared-budget group: probe every unfinished task, share out the budget (what
        finished trials of the group spent included), then finish each task."""
        strategy: SharedBudget = build(members[0][1].strategy)
        finished = [load(self.out / "trajectories" / f"{i}.json.gz")
                    for i, _ in members if status.get(i) in DONE]  # fmt: skip
        todo = dict((i, s) for i, s in members if status.get(i) not in DONE)
        probes: dict[str, Probe] = {}
        seconds: dict[str, float] = {}

        async def probe(trial_id: str, spec: TrialSpec) -> None:
            async with gate:
                store.start(trial_id)
                task, ctx = self.tasks[spec.task_id], self._context(spec, pool)
                started = time.monotonic()
                try:
                    probes[trial_id] = await strategy.probe(task, ctx)
                except Exception as exc:  # this trial fails; the group goes on without it
                    self._record(store, trial_id, spec, _failed(spec, exc),
                                 time.monotonic() - started)  # fmt: skip
                    advance()
                seconds[trial_id] = time.monotonic() - started

        async def finish(trial_id: str, extra: int) -> None:
            async with gate:
                spec = todo[trial_id]
                task, ctx = self.tasks[spec.task_id], self._context(spec, pool)
                started = time.monotonic()
                trajectory = await _attempt(
                    spec, lambda: strategy.finish(task, ctx, probes[trial_id], extra)
                )
                spent = seconds[trial_id] + time.monotonic() - started  # not the wait between
                self._record(store, trial_id, spec, trajectory, spent)
                advance()

        await asyncio.gather(*(probe(i, s) for i, s in todo.items()))
        ids = [i for i in todo if i in probes]
        try:
            shares = strategy.share([probes[i] for i in ids], finished)
            if len(shares) != len(ids):
                raise ValueError(f"share() gave {len(shares)} shares for {len(ids)} probes")
        except Exception as exc:  # a broken plug-in fails the group's trials, not the campaign
            for i in ids:
                self._record(store, i, todo[i], _failed(todo[i], exc), seconds[i])
                advance()
            return
        await asyncio.gather(*(finish(i, extra) for i, extra in zip(ids, shares, strict=True)))

    def _context(self, spec: TrialSpec, pool: SandboxPool) -> TrialContext:
        judges: list[Judge] = [build(j) for j in self.spec.judges]
        return TrialContext(self.clients[spec.model], self.provider, judges, self.spec.budget,
                            spec.seed, self.prices[spec.model], pool)  # fmt: skip

    def _record(
        self, store: Store, trial_id: str, spec: TrialSpec, trajectory: Trajectory, seconds: float
    ) -> None:
        """Writes the trajectory, then its row (the file first: see docs/campaigns.md)."""
        trajectory.trial_id = trial_id
        trajectory.duration_s = seconds
        save(trajectory, self.out / "trajectories" / f"{trial_id}.json.gz")
        scores = trajectory.scores
        primary = scores[0] if scores and not scores[0].missing else None  # missing: no verdict
        usage = trajectory.usage
        store.finish(
            trial_id,
            status="error" if trajectory.status == "error" else "finished",
            passed=primary.passed if primary else None,
            score=primary.value if primary else None,
            end_reason=trajectory.end_reason,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            cached_tokens=usage.cached_tokens,
            usd=self.prices[spec.model].usd(usage),
            wall_s=trajectory.duration_s,
            error=trajectory.error,
        )


async def _attempt(spec: TrialSpec, run: Callable[[], Awaitable[Trajectory]]) -> Trajectory:
    """The trajectory `run` makes; a broken environment or plug-in fails the trial, not the
    campaign."""
    try:
        return await run()
    except Exception as exc:
        return _failed(spec, exc)


def _failed(spec: TrialSpec, exc: Exception) -> Trajectory:
    """An error trajectory that keeps the whole traceback, for repair."""
    return Trajectory(
        task_id=spec.task_id,
        model=spec.model,
        seed=spec.seed,
        strategy=spec.strategy,
        status="error",
        error="".join(traceback.format_exception(exc)).strip(),
    )


class _Progress:
    """A rich progress bar when asked for, else nothing."""

    def __init__(self, total: int, done: int, enabled: bool) -> None:
        self.enabled = enabled
        if enabled:
            from rich.progress import Progress

            self.bar = Progress()
            self.task = self.bar.add_task("trials", total=total, completed=done)

    def __enter__(self) -> _Progress:
        if self.enabled:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.bar.stop()

    def advance(self) -> None:
        if self.enabled:
            self.bar.advance(self.task)
