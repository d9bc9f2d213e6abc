"""The cost ledger: what every model call and sandbox second of a trial cost, by role, and the
budgets that stop a trial or a campaign before it spends more than it may.

Prices come from a pinned table shipped as data (`agentlab/data/prices.json`: its version date
and source are in the file), overridden by a JSON file or mapping given to the campaign
(`Campaign(prices=...)`, `agentlab run --prices FILE`) of the same shape as its `models`:

    {"openai/gpt-4o": {"input": 2.5, "cached_input": 1.25, "output": 10.0},
     "sim/*": {"input": 0.15, "output": 0.6, "params": 8e9}}

Keys are model addresses without an `@base_url`; `*` and `?` match as in file names. Simulated
and replayed models, and self-hosted `openai-compatible/` ones, bill nothing unless priced. Any
other model without a price is *unpriced*: its calls are counted, and its USD is None, never a
silent $0. FLOPs are 2 x params x (prompt + completion tokens) where `params` is known.

A Ledger is made per trial (with the campaign's as its parent) and set as the current one while
the trial runs; every metered model call (agentlab.models.metered) and every sandbox operation
charges it, under the current role.
"""

from __future__ import annotations

import contextlib
import contextvars
import fnmatch
import json
import math
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agentlab.types import Cost, Message, Usage, UsageRole

ROLES: tuple[UsageRole, ...] = ("policy", "planner", "judge", "value", "verifier")


class Price(BaseModel):
    """USD per million tokens (cached prompt tokens cost `cached_input`, default `input`), and
    the model's parameter count when known."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cached_input: float | None = Field(None, ge=0)
    params: float | None = Field(None, gt=0, description="parameters, for FLOPs")

    def usd(self, usage: Usage) -> float:
        cached = min(usage.cached_tokens, usage.prompt_tokens)
        cached_rate = self.input if self.cached_input is None else self.cached_input
        fresh = usage.prompt_tokens - cached
        return (
            fresh * self.input + cached * cached_rate + usage.completion_tokens * self.output
        ) / 1e6

    def flops(self, usage: Usage) -> float | None:
        if self.params is None:
            return None
        return 2 * self.params * (usage.prompt_tokens + usage.completion_tokens)


FREE = Price(input=0, output=0)
_UNBILLED = ("sim/", "replay/", "openai-compatible/")
_BASE_URL = re.compile(r"@(?=[A-Za-z][A-Za-z0-9+.-]*://)")  # model names may hold an `@`


class PriceFileError(ValueError):
    """A price table could not be read: the message names the file and what is wrong."""


class PriceTable(BaseModel):
    """Prices by model address (or pattern); `version` and `source` say where they come from."""

    version: str
    source: str
    unit: str = "USD per million tokens; params is the parameter count"
    models: dict[str, Price]

    @classmethod
    def pinned(cls) -> PriceTable:
        """The table shipped with agentlab."""
        text = resources.files("agentlab").joinpath("data/prices.json").read_text()
        return cls.model_validate_json(text)

    @classmethod
    def load(cls, overrides: Path | Mapping[str, Any] | None = None) -> PriceTable:
        """The pinned table with `overrides` (a JSON file or a mapping of prices) on top."""
        table = cls.pinned()
        if overrides is None:
            return table
        where = str(overrides) if isinstance(overrides, Path) else "prices"
        try:
            raw = json.loads(overrides.read_text()) if isinstance(overrides, Path) else overrides
            if not isinstance(raw, Mapping):
                raise ValueError("expected a JSON object of prices")
            raw = raw.get("models", raw)  # a whole table, or just its models
        except (OSError, ValueError, AttributeError) as exc:
            raise PriceFileError(f"{where}: not a JSON object of prices ({exc})") from exc
        extra = {}
        for name, entry in raw.items():
            try:
                extra[str(name)] = Price.model_validate(entry)
            except ValidationError as exc:
                error = exc.errors()[0]
                field = ".".join(str(p) for p in (name, *error["loc"]))
                raise PriceFileError(f"{where}: {field}: {error['msg']}") from exc
        return table.model_copy(update={"models": {**table.models, **extra},
                                        "version": f"{table.version} + {where}"})  # fmt: skip

    def price(self, address: str) -> Price | None:
        """The price of a model address; None when it is unpriced."""
        key = _BASE_URL.split(address, maxsplit=1)[0]
        if key in self.models:
            return self.models[key]
        for pattern, price in self.models.items():
            if any(c in pattern for c in "*?[") and fnmatch.fnmatchcase(key, pattern):
                return price
        return FREE if key.startswith(_UNBILLED) else None


def _of_call(address: str, usage: Usage, price: Price | None) -> Cost:
    return Cost(
        calls=1,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cached_tokens=usage.cached_tokens,
        usd=None if price is None else price.usd(usage),
        flops=None if price is None else price.flops(usage),
        unpriced=[] if price is not None else [address],
    )


def total(costs: Mapping[str, Cost] | Sequence[Cost]) -> Cost:
    """The sum of costs (of a mapping by role, or a list)."""
    items = list(costs.values()) if isinstance(costs, Mapping) else list(costs)
    return sum(items, Cost())


class Budget(BaseModel):
    """What a whole trial, or a whole campaign, may spend; None is no limit."""

    model_config = ConfigDict(extra="forbid")

    max_usd: float | None = Field(None, gt=0)
    max_tokens: int | None = Field(None, ge=1, description="prompt + completion tokens")
    max_seconds: float | None = Field(None, gt=0, description="wall time")

    @property
    def limited(self) -> bool:
        return any(v is not None for v in (self.max_usd, self.max_tokens, self.max_seconds))


class OverBudget(Exception):
    """The next model call would take a trial or campaign past its budget."""


BudgetScope = Literal["trial", "campaign"]


@dataclass(frozen=True)
class Hold:
    """What an admitted call may cost (tokens, USD), held until it is charged, and the
    completion cap to send (None: no budget or caller set one)."""

    tokens: int
    usd: float
    cap: int | None


COMPLETION_GUESS = 1024  # completion tokens a call is assumed to need before any was seen


class Ledger:
    """Costs of one trial (or campaign) by role; checks its budget, and its parent's, before
    each model call.

    A model call is first `admit`ted: its prompt (at about 3 characters a token) and its
    completion cap are held, so concurrent calls cannot together overrun a budget, and the cap
    is lowered to what the budget leaves. `charge` then replaces the hold with what the
    provider reported.
    """

    def __init__(
        self,
        prices: PriceTable,
        budget: Budget | None = None,
        parent: Ledger | None = None,
        scope: BudgetScope = "trial",
    ) -> None:
        self.prices = prices
        self.budget = budget or Budget()
        self.parent = parent
        self.scope = scope
        self.started = time.monotonic()
        self.by_role: dict[str, Cost] = {}
        self._reserved_tokens = 0
        self._reserved_usd = 0.0
        self._largest_completion = 0
        self.refused = ""  # why a call was refused, once one was

    @property
    def spent(self) -> Cost:
        return total(self.by_role)

    def admit(self, address: str, messages: Sequence[Message], wanted: int | None) -> Hold:
        """Lets a model call go ahead within every budget up the chain: returns the completion
        cap it may have and holds what it may cost until `charge`. OverBudget when not even
        its prompt fits, or the time is up."""
        prompt = math.ceil(sum(len(m.model_dump_json()) for m in messages) / 3)
        cap = wanted if wanted is not None else max(self._largest_completion, COMPLETION_GUESS)
        chain = self._chain()
        for ledger in chain:
            try:
                cap = ledger._cap(address, prompt, cap)
            except OverBudget as exc:
                ledger.refused = ledger.refused or str(exc)
                raise
        capped = wanted is not None or any(
            b.max_tokens is not None or b.max_usd is not None for b in (x.budget for x in chain)
        )
        price = self.prices.price(address) or FREE
        usd = price.usd(Usage(prompt_tokens=prompt, completion_tokens=cap))
        hold = Hold(prompt + cap, usd, cap if capped else None)
        for ledger in chain:
            ledger._reserved_tokens += hold.tokens
            ledger._reserved_usd += hold.usd
        return hold

    def _cap(self, address: str, prompt: int, cap: int) -> int:
        budget, spent = self.budget, self.spent
        if budget.max_seconds is not None:
            elapsed = time.monotonic() - self.started
            if elapsed >= budget.max_seconds:
                raise OverBudget(f"{self.scope} budget: {elapsed:.0f}s of wall time used "
                                 f"of {budget.max_seconds:g}s")  # fmt: skip
        if budget.max_tokens is not None:
            left = budget.max_tokens - spent.tokens - self._reserved_tokens - prompt
            if left < 1:
                raise OverBudget(
                    f"{self.scope} budget: {spent.tokens} tokens spent of {budget.max_tokens}, "
                    f"and the next call needs about {prompt} for its prompt"
                )
            cap = min(cap, left)
        if budget.max_usd is not None:
            price = self.prices.price(address)
            if price is None:
                raise OverBudget(f"{self.scope} budget in USD, but {address} has no price")
            left_usd = budget.max_usd - (spent.usd or 0.0) - self._reserved_usd
            left_usd -= price.usd(Usage(prompt_tokens=prompt))
            if left_usd <= 0:
                raise OverBudget(
                    f"{self.scope} budget: ${spent.usd or 0.0:.4f} spent of ${budget.max_usd:g}, "
                    "and the next call's prompt would pass it"
                )
            if price.output > 0:
                cap = min(cap, max(int(left_usd * 1e6 / price.output), 1))
        return cap

    def charge(self, address: str, usage: Usage | None, role: UsageRole, hold: Hold) -> None:
        """Records a finished model call (None: it failed) and releases its hold, here and up
        the chain."""
        price = self.prices.price(address)
        cost = _of_call(address, usage, price) if usage is not None else Cost()
        for ledger in self._chain():
            ledger._add(role, cost)
            ledger._reserved_tokens -= hold.tokens
            ledger._reserved_usd -= hold.usd
            if usage is not None:
                ledger._largest_completion = max(ledger._largest_completion,
                                                 usage.completion_tokens)  # fmt: skip

    def charge_sandbox(self, cpu_s: float, wall_s: float, role: UsageRole) -> None:
        cost = Cost(sandbox_cpu_s=cpu_s, sandbox_wall_s=wall_s)
        for ledger in self._chain():
            ledger._add(role, cost)

    def exhausted(self) -> str | None:
        """Why no more trials should start under this budget (spent, or a call refused), or
        None."""
        if self.refused:
            return self.refused
        budget, spent = self.budget, self.spent
        if budget.max_seconds is not None and time.monotonic() - self.started >= budget.max_seconds:
            return f"{self.scope} budget: wall time of {budget.max_seconds:g}s is up"
        if budget.max_tokens is not None and spent.tokens >= budget.max_tokens:
            return f"{self.scope} budget: {spent.tokens} of {budget.max_tokens} tokens spent"
        if budget.max_usd is not None and (spent.usd or 0.0) >= budget.max_usd:
            return f"{self.scope} budget: ${spent.usd:.4f} of ${budget.max_usd:g} spent"
        return None

    def _chain(self) -> list[Ledger]:
        chain: list[Ledger] = []
        ledger: Ledger | None = self
        while ledger is not None:
            chain.append(ledger)
            ledger = ledger.parent
        return chain

    def seconds_left(self) -> float | None:
        """Wall time left by the tightest budget up the chain; None when none limits it."""
        left = [
            ledger.budget.max_seconds - (time.monotonic() - ledger.started)
            for ledger in self._chain()
            if ledger.budget.max_seconds is not None
        ]
        return max(min(left), 0.0) if left else None

    def add(self, role: str, cost: Cost) -> None:
        """Counts `cost` (spent elsewhere, e.g. by an earlier run) here only."""
        self._add(role, cost)

    def _add(self, role: str, cost: Cost) -> None:
        self.by_role[role] = self.by_role.get(role, Cost()) + cost


_ledger: contextvars.ContextVar[Ledger | None] = contextvars.ContextVar("ledger", default=None)
_role: contextvars.ContextVar[UsageRole] = contextvars.ContextVar("role", default="policy")


def current() -> Ledger | None:
    """The ledger of the trial running in this context, if any."""
    return _ledger.get()


@contextlib.contextmanager
def metering(ledger: Ledger) -> Iterator[Ledger]:
    """Makes `ledger` the current one for the code inside (and the tasks it starts)."""
    token = _ledger.set(ledger)
    try:
        yield ledger
    finally:
        _ledger.reset(token)


@contextlib.contextmanager
def role(name: UsageRole) -> Iterator[None]:
    """Attributes the model calls and sandbox work inside to `name`."""
    token = _role.set(name)
    try:
        yield
    finally:
        _role.reset(token)


def current_role(asked: str | None = None) -> UsageRole:
    """The role of a model call whose metadata names `asked` (the sim's roles), else the
    current one: planner and joiner plan, value estimates value, any other named role judges."""
    if not asked:
        return _role.get()
    if asked in ("planner", "joiner"):
        return "planner"
    if asked == "value":
        return "value"
    return "judge"


def charge_sandbox(cpu_s: float, wall_s: float) -> None:
    """Charges sandbox work to the current ledger, under the current role (no ledger: no-op)."""
    ledger = _ledger.get()
    if ledger is not None:
        ledger.charge_sandbox(cpu_s, wall_s, _role.get())
