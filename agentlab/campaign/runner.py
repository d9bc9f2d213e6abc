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
import logging
import re
import time
import traceback
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from agentlab import cost
from agentlab.agent import Limits
from agentlab.campaign.store import DONE, Store, TrialRow
from agentlab.cost import FREE, Budget, Ledger, PriceTable, total
from agentlab.environment import sandbox_provider
from agentlab.models.base import ModelClient
from agentlab.models.registry import get_model
from agentlab.registry import Kind, build, parse_spec
from agentlab.sandbox.base import SandboxProvider
from agentlab.sandbox.pool import SandboxPool
from agentlab.trajectory import load, save
from agentlab.trial import Judge, Probe, SharedBudget, TrialContext
from agentlab.types import PluginSpec, Task, Trajectory

log = logging.getLogger(__name__)

Executor = Literal["asyncio", "ray"]


class CampaignSpec(BaseModel):
    """What defines a campaign; stored as campaign.json."""

    tasks: list[str] = Field(description="task ids")
    task_dirs: dict[str, str] = Field(
        default_factory=dict, description="where each task was loaded from (replay finds it)"
    )
    strategies: list[PluginSpec]
    models: list[str]
    seeds: list[int]
    judges: list[PluginSpec]
    budget: Limits = Field(default_factory=Limits, description="limits of every rollout")
    trial_budget: Budget = Field(default_factory=Budget, description="limits of every trial")
    campaign_budget: Budget = Field(default_factory=Budget, description="limits of the whole")
    prices: str = Field("", description="the price table's version")


class TrialSpec(BaseModel):
    task_id: str
    strategy: PluginSpec
    model: str
    seed: int

    def trial_id(
        self, judges: Sequence[PluginSpec], budget: Limits, trial_budget: Budget | None = None
    ) -> str:
        """A hash of everything that defines the trial: change any of it and it runs anew."""
        key = [self.task_id, self.strategy.model_dump(), self.model, self.seed,
               [j.model_dump() for j in judges], budget.model_dump()]  # fmt: skip
        if trial_budget is not None and trial_budget.limited:  # ids made before it stay
            key.append(trial_budget.model_dump())
        text = json.dumps(key, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


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

    `budget` limits each rollout; `trial_budget` each whole trial (all its rollouts, judges
    and planners); `campaign_budget` the whole campaign, what earlier runs of it spent
    included (its wall time counts from this run's start). A model call that would pass a
    budget is refused (the rollout ends with reason `budget`), and once the campaign's budget
    is spent no more trials start: they stay pending for a re-run with a larger budget.
    `prices` overrides the pinned price table (agentlab.cost).

    `run(executor="ray")` runs the trials on a Ray cluster instead of this process
    (agentlab.campaign.ray_executor, docs/distributed.md); the run directory is the same.
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
        trial_budget: Budget | None = None,
        campaign_budget: Budget | None = None,
        prices: Path | Mapping[str, Any] | None = None,
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
        self.addresses = list(models)  # as given: what remote workers make their clients from
        self.prices = PriceTable.load(prices)
        self.spec = CampaignSpec(
            tasks=list(self.tasks),
            task_dirs={t.id: str(t.path.resolve()) for t in tasks if t.path is not None},
            strategies=_specs("strategy", strategies),
            models=list(self.clients),
            seeds=list(range(seeds)) if isinstance(seeds, int) else list(seeds),
            judges=_specs("judge", judges),
            budget=budget or Limits(),
            trial_budget=trial_budget or Budget(),
            campaign_budget=campaign_budget or Budget(),
            prices=self.prices.version,
        )
        for spec in self.spec.strategies + self.spec.judges:
            build(spec)  # fail now, naming the plug-in, rather than in every trial
        self._check_prices()
        self.out = out
        self.provider = sandbox_provider(sandbox) if isinstance(sandbox, str) else sandbox
        self.sandbox = sandbox if isinstance(sandbox, str) else sandbox.name  # for remote nodes
        self.concurrency = concurrency
        self.pool_size = pool_size
        self.progress = progress
        self.ledger = Ledger(self.prices, self.spec.campaign_budget, scope="campaign")
        self.stopped = ""  # why the campaign's budget stopped it, once it has

    def _check_prices(self) -> None:
        """An unpriced model runs (its USD shows as unpriced) unless a USD limit needs a price."""
        spec = self.spec
        limits = {"budget": spec.budget.max_usd, "trial_budget": spec.trial_budget.max_usd,
                  "campaign_budget": spec.campaign_budget.max_usd}  # fmt: skip
        usd_limits = [name for name, limit in limits.items() if limit is not None]
        for model in self.clients:
            if self.prices.price(model) is not None:
                continue
            if usd_limits:
                raise ValueError(
                    f"Campaign({usd_limits[0]}=...max_usd): model {model!r} has no price in the "
                    f"price table ({self.prices.version}); give one with prices="
                    f'{{"{model}": {{"input": ..., "output": ...}}}} (USD per million tokens)'
                )
            log.warning("model %s has no price: its cost shows as unpriced", model)

    def trials(self) -> list[tuple[str, TrialSpec]]:
        specs = [
            TrialSpec(task_id=t, strategy=s, model=m, seed=seed)
            for t in self.spec.tasks
            for s in self.spec.strategies
            for m in self.spec.models
            for seed in self.spec.seeds
        ]
        return [(spec.trial_id(self.spec.judges, self.spec.budget, self.spec.trial_budget), spec)
                for spec in specs]  # fmt: skip

    def run_sync(
        self, executor: Executor = "asyncio", address: str | None = None
    ) -> list[TrialRow]:
        return asyncio.run(self.run(executor, address))

    async def run(
        self, executor: Executor = "asyncio", address: str | None = None
    ) -> list[TrialRow]:
        """Runs the trials not finished yet, in this process or on the Ray cluster at `address`
        (`executor="ray"`; None: $RAY_ADDRESS, else a local Ray), and returns every row."""
        if executor not in ("asyncio", "ray"):
            raise ValueError(f"Campaign.run(executor={executor!r}): expected 'asyncio' or 'ray'")
        if address is not None and executor != "ray":
            raise ValueError("Campaign.run(address=...) is the Ray cluster's: use executor='ray'")
        if executor == "ray":
            from agentlab.campaign import ray_executor

            ray_executor.check(self, address)
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "trajectories").mkdir(exist_ok=True)
        (self.out / "campaign.json").write_text(self.spec.model_dump_json(indent=2))
        store = Store(self.out / "store.sqlite")
        pool = SandboxPool(self.provider, size=self.pool_size)
        try:
            trials = self.trials()
            store.add([TrialRow(id=i, task_id=s.task_id, strategy=str(s.strategy),
                                model=s.model, seed=s.seed) for i, s in trials])  # fmt: skip
            self.ledger = Ledger(self.prices, self.spec.campaign_budget, scope="campaign")
            ids = {i for i, _ in trials}
            for row in store.rows():  # what earlier runs spent counts against the budget
                if row.id in ids and row.status in DONE:
                    for role, spent in row.roles.items():
                        self.ledger.add(role, spent)
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
                if executor == "ray":
                    await ray_executor.run(self, store, todo, bar.advance, address)
                    return [r for r in store.rows() if r.id in ids]

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
        if self._spent():
            return  # stays pending: a re-run with a larger budget runs it
        store.start(trial_id)
        ledger = self._trial_ledger()
        trajectory, seconds = await self._solve(spec, pool, ledger)
        self._record(store, trial_id, spec, trajectory, seconds, ledger)

    async def _solve(
        self, spec: TrialSpec, pool: SandboxPool, ledger: Ledger
    ) -> tuple[Trajectory, float]:
        """Runs a trial charged to `ledger`: its trajectory and wall time (here or on a node)."""
        task, ctx = self.tasks[spec.task_id], self._context(spec, pool, ledger)
        started = time.monotonic()
        with cost.metering(ledger):
            trajectory = await _attempt(spec, lambda: build(spec.strategy).solve(task, ctx),
                                        ledger)  # fmt: skip
        return trajectory, time.monotonic() - started

    def _spent(self) -> bool:
        """True (and said once) when the campaign's budget leaves nothing for another trial."""
        reason = self.ledger.exhausted()
        if reason and not self.stopped:
            log.warning("%s: no more trials start", reason)
        self.stopped = self.stopped or reason or ""
        return bool(reason)

    def _trial_ledger(self) -> Ledger:
        return Ledger(self.prices, self.spec.trial_budget, self.ledger)

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

        ledgers: dict[str, Ledger] = {}

        async def probe(trial_id: str, spec: TrialSpec) -> None:
            async with gate:
                if self._spent():
                    return
                store.start(trial_id)
                ledgers[trial_id] = ledger = self._trial_ledger()
                task, ctx = self.tasks[spec.task_id], self._context(spec, pool, ledger)
                started = time.monotonic()
                try:
                    with cost.metering(ledger):
                        probes[trial_id] = await strategy.probe(task, ctx)
                except Exception as exc:  # this trial fails; the group goes on without it
                    self._record(store, trial_id, spec, _failed(spec, exc),
                                 time.monotonic() - started, ledger)  # fmt: skip
                    advance()
                seconds[trial_id] = time.monotonic() - started

        async def finish(trial_id: str, extra: int) -> None:
            async with gate:
                spec, ledger = todo[trial_id], ledgers[trial_id]
                task, ctx = self.tasks[spec.task_id], self._context(spec, pool, ledger)
                started = time.monotonic()
                with cost.metering(ledger):
                    trajectory = await _attempt(
                        spec, lambda: strategy.finish(task, ctx, probes[trial_id], extra), ledger
                    )
                spent = seconds[trial_id] + time.monotonic() - started  # not the wait between
                self._record(store, trial_id, spec, trajectory, spent, ledger)
                advance()

        await asyncio.gather(*(probe(i, s) for i, s in todo.items()))
        ids = [i for i in todo if i in probes]
        try:
            shares = strategy.share([probes[i] for i in ids], finished)
            if len(shares) != len(ids):
                raise ValueError(f"share() gave {len(shares)} shares for {len(ids)} probes")
        except Exception as exc:  # a broken plug-in fails the group's trials, not the campaign
            for i in ids:
                self._record(store, i, todo[i], _failed(todo[i], exc), seconds[i], ledgers[i])
                advance()
            return
        await asyncio.gather(*(finish(i, extra) for i, extra in zip(ids, shares, strict=True)))

    def _context(self, spec: TrialSpec, pool: SandboxPool, ledger: Ledger) -> TrialContext:
        judges: list[Judge] = [build(j) for j in self.spec.judges]
        limits = self.spec.budget
        left = ledger.seconds_left()
        if left is not None and (limits.max_seconds is None or left < limits.max_seconds):
            limits = limits.model_copy(update={"max_seconds": max(left, 1e-3)})
        price = self.prices.price(spec.model) or FREE  # unpriced: no USD limit was allowed
        return TrialContext(self.clients[spec.model], self.provider, judges, limits,
                            spec.seed, price, pool)  # fmt: skip

    def _record(
        self,
        store: Store,
        trial_id: str,
        spec: TrialSpec,
        trajectory: Trajectory,
        seconds: float,
        ledger: Ledger,
    ) -> None:
        """Writes the trajectory, then its row (the file first: see docs/campaigns.md)."""
        trajectory.trial_id = trial_id
        trajectory.duration_s = seconds
        trajectory.cost = dict(ledger.by_role)
        save(trajectory, self.out / "trajectories" / f"{trial_id}.json.gz")
        store.finish(trial_id, **row_fields(trajectory))


def row_fields(trajectory: Trajectory) -> dict[str, Any]:
    """A finished trajectory's store columns: its outcome (by the first judge) and its cost."""
    scores = trajectory.scores
    primary = scores[0] if scores and not scores[0].missing else None  # missing: no verdict
    spent = total(trajectory.cost)
    return {
        "status": "error" if trajectory.status == "error" else "finished",
        "passed": primary.passed if primary else None,
        "score": primary.value if primary else None,
        "end_reason": trajectory.end_reason,
        "prompt_tokens": spent.prompt_tokens,
        "completion_tokens": spent.completion_tokens,
        "cached_tokens": spent.cached_tokens,
        "usd": spent.usd,
        "flops": spent.flops,
        "sandbox_cpu_s": spent.sandbox_cpu_s,
        "sandbox_wall_s": spent.sandbox_wall_s,
        "roles": trajectory.cost,
        "wall_s": trajectory.duration_s,
        "error": trajectory.error,
    }


async def _attempt(
    spec: TrialSpec, run: Callable[[], Awaitable[Trajectory]], ledger: Ledger
) -> Trajectory:
    """The trajectory `run` makes; a broken environment or plug-in fails the trial, not the
    campaign. A trial still running when its wall-time budget is up is cut off there."""
    try:
        return await asyncio.wait_for(run(), ledger.seconds_left())
    except TimeoutError:
        return Trajectory(task_id=spec.task_id, model=spec.model, seed=spec.seed,
                          strategy=spec.strategy, status="finished", end_reason="budget",
                          error="cut off: the wall-time budget was up")  # fmt: skip
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
