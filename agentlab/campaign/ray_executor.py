"""The Ray executor: a campaign's trials run on the nodes of a Ray cluster, stored by the driver.

    campaign.run_sync(executor="ray", address="10.0.0.5:6379")

The driver (the process running the campaign) keeps the run directory and the campaign's
budget. Every node with a CPU gets one async actor that rebuilds the campaign from picklable
parts (tasks, plug-in specs and classes, model addresses, limits, prices), so it has its own
sandbox pool on its own Docker engine (or local sandboxes) and its own model clients, and runs
up to `concurrency` trials at once exactly as the asyncio executor does (`Campaign._solve`).

The driver keeps at most `concurrency` trials per actor in flight and records each result as
it arrives (trajectory file, then row), so it never holds more trajectories than that. A
worker process or node that dies fails its calls: the driver replaces the actor (on the same
node if it is alive, else on the alive node with the fewest) and sends those trials again, up to
MAX_ATTEMPTS times each. Rows are written only from results and trial ids are deterministic,
so nothing is lost or stored twice. docs/distributed.md has the whole story.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from agentlab.campaign.runner import Campaign, CampaignSpec, TrialSpec, _failed
from agentlab.campaign.store import Store
from agentlab.cost import Budget, Ledger, Price
from agentlab.registry import Kind, adopt, available, build
from agentlab.sandbox.pool import SandboxPool
from agentlab.types import Cost, Task, Trajectory

if TYPE_CHECKING:
    from ray.actor import ActorHandle

MAX_ATTEMPTS = 3  # sends of one trial; each failed one lost its worker
CLOSE_TIMEOUT_S = 120.0  # for a node's sandboxes to be removed at the end
CONNECT_TIMEOUT_S = 10.0  # for the cluster's address to answer
INSTALL = "pip install 'agentlab[ray]'"


class WorkerLost(RuntimeError):
    """A trial's Ray worker died on every attempt."""


def check(campaign: Campaign, address: str | None) -> None:
    """Fails, before anything is written, when `campaign` cannot run on Ray at `address`."""
    for spec in campaign.spec.strategies:
        if getattr(build(spec), "shared_budget", False):
            raise ValueError(
                f"strategy {spec} shares one budget across the campaign's trials, which the "
                "ray executor does not do: run it with the asyncio executor"
            )
    ray = _ray()
    if address is not None and not ray.is_initialized():
        _answers(address)


def _ray() -> ModuleType:
    try:
        import ray
    except ImportError as exc:
        if exc.name != "ray":
            raise
        raise ValueError(f"the ray executor needs Ray, an optional dependency: {INSTALL}") from exc
    return ray


async def run(
    campaign: Campaign,
    store: Store,
    todo: Sequence[tuple[str, TrialSpec]],
    advance: Callable[[], None],
    address: str | None,
) -> None:
    """Runs `todo` on the cluster at `address` (Ray's default when None; a connection this
    process already has is used as it is) and records each result in `store`."""
    if not todo:
        return
    ray = _ray()
    connected = ray.is_initialized()
    if not connected:
        ray.init(address=address)
    try:
        actors = _Actors(ray, _Recipe.of(campaign), campaign.concurrency)
        try:
            await actors.ready()
            slots = campaign.concurrency * len(actors.handles)
            shares = _Shares(campaign, slots)
            queue = iter(todo)

            async def feed() -> None:
                for trial_id, spec in queue:
                    if campaign._spent():
                        return  # the rest stay pending, as on the asyncio executor
                    await _one(campaign, store, actors, shares, trial_id, spec)
                    advance()

            await asyncio.gather(*(feed() for _ in range(slots)))
        finally:
            await actors.close()
    finally:
        if not connected:
            ray.shutdown()


def _answers(address: str) -> None:
    """Fails at once when nothing listens at a `host:port` address (Ray would retry for
    minutes); other forms (`auto`, `ray://...`) are Ray's to resolve."""
    host, _, port = address.rpartition(":")
    if not host or "://" in address or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise ValueError(f"Ray cluster {address}: nothing answers there ({exc})") from exc


async def _one(
    campaign: Campaign,
    store: Store,
    actors: _Actors,
    shares: _Shares,
    trial_id: str,
    spec: TrialSpec,
) -> None:
    """Sends a trial until a worker returns its result (at most MAX_ATTEMPTS), then records it."""
    last: BaseException | None = None
    for _ in range(MAX_ATTEMPTS):
        store.start(trial_id)
        share = shares.take()
        try:
            result = await actors.run(spec, share)
            break
        except actors.lost as exc:
            last = exc
        finally:
            shares.give_back(share)
    else:
        error = WorkerLost(f"its Ray worker died on each of {MAX_ATTEMPTS} attempts; "
                           f"the last time: {last}")  # fmt: skip
        campaign._record(store, trial_id, spec, _failed(spec, error), 0.0, Ledger(campaign.prices))
        return
    trajectory = Trajectory.model_validate_json(gzip.decompress(result.trajectory))
    ledger = Ledger(campaign.prices)  # what the remote trial's ledger spent
    for role, spent in result.cost.items():
        ledger.add(role, spent)
        campaign.ledger.add(role, spent)
    # a call refused for the campaign's budget stops new trials, as on the asyncio executor
    campaign.ledger.refused = campaign.ledger.refused or result.refused
    campaign._record(store, trial_id, spec, trajectory, result.seconds, ledger)


@dataclass(frozen=True)
class _Result:
    """What a node sends back of a trial: the gzipped trajectory, its wall time, its ledger by
    role, and why its share of the campaign's budget refused a call, if it did."""

    trajectory: bytes
    seconds: float
    cost: dict[str, Cost]
    refused: str


@dataclass(frozen=True)
class _Recipe:
    """What a node rebuilds the campaign from. Plug-in classes travel with it, so a class
    defined in the driver's script (which Ray pickles by value) is known on the nodes too."""

    tasks: list[Task]
    models: list[str]  # as given, credentials included: the nodes call the models
    spec: CampaignSpec
    prices: dict[str, Price]
    sandbox: str
    pool_size: int
    plugins: list[tuple[Kind, str, type]]

    @classmethod
    def of(cls, campaign: Campaign) -> _Recipe:
        spec = campaign.spec
        plugins = [(p.kind, p.name, available(p.kind)[p.name])
                   for p in spec.strategies + spec.judges]  # fmt: skip
        return cls(list(campaign.tasks.values()), campaign.addresses, spec,
                   dict(campaign.prices.models), campaign.sandbox, campaign.pool_size,
                   plugins)  # fmt: skip

    def campaign(self) -> Campaign:
        for kind, name, plugin in self.plugins:
            adopt(kind, name, plugin)
        spec = self.spec
        return Campaign(self.tasks, spec.strategies, self.models, out=Path("."), seeds=spec.seeds,
                        judges=spec.judges, budget=spec.budget, trial_budget=spec.trial_budget,
                        prices=self.prices, sandbox=self.sandbox,
                        pool_size=self.pool_size)  # fmt: skip


class NodeRunner:
    """The Ray actor of one node: its own copy of the campaign, sandbox pool and model clients."""

    def __init__(self, recipe: _Recipe) -> None:
        self.campaign = recipe.campaign()
        self.pool = SandboxPool(self.campaign.provider, size=recipe.pool_size)

    async def where(self) -> str:
        """The host and process the trials run in."""
        return f"{socket.gethostname()} pid {os.getpid()}"

    async def run(self, spec: TrialSpec, share: Budget) -> _Result:
        """One trial within its trial budget and its `share` of the campaign's."""
        prices = self.campaign.prices
        campaign = Ledger(prices, share, scope="campaign")
        ledger = Ledger(prices, self.campaign.spec.trial_budget, campaign)
        trajectory, seconds = await self.campaign._solve(spec, self.pool, ledger)
        data = gzip.compress(trajectory.model_dump_json().encode(), 1)
        return _Result(data, seconds, ledger.by_role, campaign.refused)

    async def close(self) -> None:
        await self.pool.close()


class _Actors:
    """One NodeRunner per alive node with a CPU; the least busy one gets the next trial. A dead
    one is replaced on its node, or if that is gone on the node with the fewest. The actors
    hold no Ray CPU (a node's load is `concurrency` trials), so a replacement always fits."""

    def __init__(self, ray: ModuleType, recipe: _Recipe, concurrency: int) -> None:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        self.ray = ray
        errors = ray.exceptions
        self.lost = (errors.RayActorError, errors.WorkerCrashedError, errors.NodeDiedError,
                     errors.ObjectLostError, errors.ActorUnschedulableError)  # fmt: skip
        runner = ray.remote(NodeRunner)
        recipe_ref = ray.put(recipe)  # sent once, for every actor and its replacements

        def start(node: str) -> ActorHandle[NodeRunner]:
            affinity = NodeAffinitySchedulingStrategy(node, soft=False)  # soft may go elsewhere
            return runner.options(num_cpus=0, max_concurrency=concurrency,  # type: ignore[no-any-return]
                                  scheduling_strategy=affinity).remote(recipe_ref)  # fmt: skip

        self.start = start
        self.nodes = self.alive()
        self.handles = [start(node) for node in self.nodes]
        self.busy = [0] * len(self.handles)

    def alive(self) -> list[str]:
        """The ids of the alive nodes that offer a CPU."""
        nodes = [n["NodeID"] for n in self.ray.nodes()
                 if n["Alive"] and n["Resources"].get("CPU", 0) >= 1]  # fmt: skip
        if not nodes:
            raise ValueError("the Ray cluster has no alive node with a CPU to run trials on")
        return nodes

    async def ready(self) -> None:
        """Waits until every actor has rebuilt the campaign; says why one could not."""
        try:
            await asyncio.gather(*(h.where.remote() for h in self.handles))
        except self.ray.exceptions.RayError as exc:
            raise ValueError(f"a Ray node could not set up the campaign: {exc}") from exc

    async def run(self, spec: TrialSpec, share: Budget) -> _Result:
        i = min(range(len(self.handles)), key=self.busy.__getitem__)
        handle = self.handles[i]
        self.busy[i] += 1
        try:
            result: _Result = await handle.run.remote(spec, share)
            return result
        except self.lost:
            if self.handles[i] is handle:  # the first of its failed calls replaces it
                self.ray.kill(handle)
                alive = self.alive()
                if self.nodes[i] not in alive:  # the node is gone: the one with fewest actors
                    self.nodes[i] = min(alive, key=self.nodes.count)
                self.handles[i] = self.start(self.nodes[i])
            raise
        finally:
            self.busy[i] -= 1

    async def close(self) -> None:
        """Removes every node's sandboxes, then the actors."""
        await asyncio.gather(*(asyncio.wait_for(h.close.remote(), CLOSE_TIMEOUT_S)
                               for h in self.handles), return_exceptions=True)  # fmt: skip
        for handle in self.handles:
            self.ray.kill(handle)


class _Shares:
    """Each remote trial's share of what the campaign's budget has left. Trials on other
    nodes cannot see each other's spending, so what is free (left, less the shares handed
    out) is split over the slots not in use: together they cannot pass the budget."""

    def __init__(self, campaign: Campaign, slots: int) -> None:
        self.campaign = campaign
        self.slots = slots
        self.out: list[Budget] = []

    def take(self) -> Budget:
        budget, ledger = self.campaign.spec.campaign_budget, self.campaign.ledger
        seconds = ledger.seconds_left()
        free = self.slots - len(self.out)
        spent = ledger.spent
        usd = tokens = None
        if budget.max_usd is not None:
            held = sum(b.max_usd or 0.0 for b in self.out)
            usd = max((budget.max_usd - (spent.usd or 0.0) - held) / free, 1e-9)
        if budget.max_tokens is not None:
            held_tokens = sum(b.max_tokens or 0 for b in self.out)
            tokens = max((budget.max_tokens - spent.tokens - held_tokens) // free, 1)
        share = Budget(max_usd=usd, max_tokens=tokens,
                       max_seconds=None if seconds is None else max(seconds, 1e-3))  # fmt: skip
        self.out.append(share)
        return share

    def give_back(self, share: Budget) -> None:
        self.out.remove(share)
