"""The cost ledger: prices, FLOPs, attribution by role, sandbox seconds and budgets."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from agentlab.agent import Limits
from agentlab.campaign.runner import Campaign
from agentlab.campaign.store import Store
from agentlab.campaign.summary import render, summarize
from agentlab.cost import (
    FREE,
    Budget,
    Ledger,
    OverBudget,
    Price,
    PriceFileError,
    PriceTable,
    metering,
    total,
)
from agentlab.models import sim
from agentlab.models.base import BudgetExceeded, ModelClient
from agentlab.models.metered import Metered
from agentlab.models.registry import model_provider
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import load_tasks
from agentlab.trajectory import load
from agentlab.types import Choice, Completion, Message, Usage
from environments.os_tasks import TASKS_DIR

HELLO = [Message(role="user", content="hello")]


@model_provider("test-unpriced")
def _unpriced(rest: str, **options: Any) -> ModelClient:
    """The simulator under an address no price table knows."""
    return sim.SimModel(sim.parse_skill(rest), **options)


class Echo:
    """A model that says "ok", billing 5 prompt tokens per message and 2 completion tokens."""

    name = "echo"

    async def complete(self, messages: Sequence[Message], **_: Any) -> Completion:
        reply = Choice(message=Message(role="assistant", content="ok"))
        usage = Usage(prompt_tokens=5 * len(messages), completion_tokens=2)
        return Completion(model=self.name, choices=[reply], usage=usage)


def one_task() -> list[Any]:
    return [t for t in load_tasks([TASKS_DIR]) if t.id == "files-purge-stale-tmp"]


def test_usd_counts_fresh_cached_and_completion_tokens() -> None:
    price = Price(input=2.0, cached_input=0.5, output=8.0)
    usage = Usage(prompt_tokens=1_000_000, cached_tokens=400_000, completion_tokens=100_000)
    assert price.usd(usage) == pytest.approx(0.6 * 2.0 + 0.4 * 0.5 + 0.1 * 8.0)
    assert Price(input=1.0, output=1.0).usd(usage) == pytest.approx(1.1)  # cached at input rate


def test_flops_are_two_params_per_token_where_params_are_known() -> None:
    usage = Usage(prompt_tokens=300, completion_tokens=100)
    assert Price(input=0, output=0, params=8e9).flops(usage) == 2 * 8e9 * 400
    assert FREE.flops(usage) is None


def test_the_pinned_table_is_dated_and_sourced_and_unknown_models_are_unpriced() -> None:
    table = PriceTable.pinned()
    assert table.version and "openai.com" in table.source
    assert table.price("openai/gpt-4o-mini") == Price(input=0.15, cached_input=0.075, output=0.60)
    assert table.price("openai/gpt-9") is None  # unpriced, not $0
    assert table.price("sim/0.6") == FREE and table.price("replay/x.json.gz") == FREE
    llama = table.price("openai-compatible/meta-llama/Llama-3.1-8B-Instruct@http://127.0.0.1:8/v1")
    assert llama is not None and llama.params == 8.03e9
    assert table.price("openai-compatible/my-model@http://127.0.0.1:8/v1") == FREE


def test_overrides_by_mapping_or_file_with_patterns_and_clear_errors(tmp_path: Path) -> None:
    table = PriceTable.load({"openai/gpt-9": {"input": 3, "output": 9}, "sim/*": {
        "input": 1, "output": 2, "params": 1e9}})  # fmt: skip
    assert table.price("openai/gpt-9") == Price(input=3, output=9)
    assert table.price("sim/0.6") == Price(input=1, output=2, params=1e9)
    assert table.price("openai/gpt-4o") == PriceTable.pinned().price("openai/gpt-4o")
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"models": {"openai/gpt-9": {"input": 1, "output": 1}}}))
    assert PriceTable.load(path).price("openai/gpt-9") == Price(input=1, output=1)
    assert str(path) in PriceTable.load(path).version
    path.write_text('{"openai/gpt-9": {"input": -1, "output": 9}}')
    with pytest.raises(PriceFileError, match=r"prices\.json: openai/gpt-9\.input: .*greater"):
        PriceTable.load(path)
    path.write_text("[1, 2")
    with pytest.raises(PriceFileError, match=r"prices\.json: not a JSON object"):
        PriceTable.load(path)


async def test_a_trial_ledger_refuses_a_call_its_tokens_cannot_cover() -> None:
    campaign = Ledger(PriceTable.pinned(), Budget(max_tokens=10_000), scope="campaign")
    trial = Ledger(PriceTable.pinned(), Budget(max_tokens=60), parent=campaign)
    model = Metered(Echo(), "sim/echo")
    with metering(trial):
        reply = await model.complete(HELLO, max_tokens=20)
        assert reply.usage.prompt_tokens > 0
        with pytest.raises(BudgetExceeded, match=r"trial budget: .* tokens spent of 60"):
            for _ in range(10):
                await model.complete(HELLO * 3, max_tokens=20)
    assert trial.spent.tokens <= 60
    assert campaign.spent == trial.spent  # charged up the chain
    assert trial.by_role["policy"].calls >= 1


async def test_concurrent_calls_hold_their_share_so_together_they_cannot_overrun() -> None:
    ledger = Ledger(PriceTable.pinned(), Budget(max_tokens=200))
    hold = ledger.admit("sim/0.9", HELLO, 150)
    assert hold.cap is not None and hold.cap <= 150
    with pytest.raises(OverBudget):  # the first call's hold leaves too little
        ledger.admit("sim/0.9", HELLO * 20, 150)
    ledger.charge("sim/0.9", Usage(prompt_tokens=5, completion_tokens=5), "policy", hold)
    assert ledger.spent.tokens == 10
    assert ledger.admit("sim/0.9", HELLO, 100).cap == 100  # released


def test_a_usd_budget_lowers_the_completion_cap_to_what_it_can_pay() -> None:
    table = PriceTable.load({"sim/0.9": {"input": 0, "output": 1.0}})  # $1 per 1M out
    ledger = Ledger(table, Budget(max_usd=0.0001))  # pays 100 completion tokens
    assert ledger.admit("sim/0.9", HELLO, None).cap == 100
    unpriced = Ledger(PriceTable.pinned(), Budget(max_usd=1.0))
    with pytest.raises(OverBudget, match="has no price"):
        unpriced.admit("openai/gpt-9", HELLO, None)


async def test_campaigns_attribute_cost_by_role_with_usd_flops_and_sandbox_seconds(
    tmp_path: Path,
) -> None:
    prices = {"sim/0.9": {"input": 100.0, "output": 200.0, "params": 1e9}}
    rows = await Campaign(one_task(), ["react"], ["sim/0.9"], out=tmp_path,
                          judges=["verifier", "llm_judge:model=sim/0.9"], prices=prices,
                          sandbox=LocalProvider()).run()  # fmt: skip
    [row] = rows
    trajectory = load(tmp_path / "trajectories" / f"{row.id}.json.gz")
    assert set(row.roles) == {"policy", "judge", "verifier"}
    policy, judge, verifier = row.roles["policy"], row.roles["judge"], row.roles["verifier"]
    steps = sum((s.usage for s in trajectory.steps if s.usage), Usage())
    assert (policy.prompt_tokens, policy.completion_tokens) == (steps.prompt_tokens,
                                                                steps.completion_tokens)
    judged = trajectory.scores[1].usage
    assert judged is not None and judge.tokens == judged.prompt_tokens + judged.completion_tokens
    assert verifier.calls == 0 and verifier.sandbox_wall_s > 0 and verifier.sandbox_cpu_s > 0
    assert policy.sandbox_wall_s > 0  # the agent's tool calls, and starting its sandbox
    assert row.usd == pytest.approx((policy.prompt_tokens + judge.prompt_tokens) * 100e-6
                                    + (policy.completion_tokens + judge.completion_tokens) * 200e-6)
    assert row.flops == pytest.approx(2 * 1e9 * (policy.tokens + judge.tokens))
    assert row.sandbox_cpu_s == pytest.approx(sum(c.sandbox_cpu_s for c in row.roles.values()))
    assert trajectory.cost == row.roles
    assert f"{row.usd:.4f}" in render(summarize(rows))


async def test_an_unpriced_model_runs_and_shows_as_unpriced(tmp_path: Path) -> None:
    rows = await Campaign(one_task(), ["react"], ["test-unpriced/0.9"], out=tmp_path,
                          sandbox=LocalProvider()).run()  # fmt: skip
    [row] = rows
    assert row.status == "finished" and row.usd is None and row.flops is None
    assert row.roles["policy"].unpriced == ["test-unpriced/0.9"]
    assert "unpriced" in render(summarize(rows))
    with pytest.raises(ValueError, match=r"campaign_budget=\.\.\.max_usd.*test-unpriced/0\.9"):
        Campaign(one_task(), ["react"], ["test-unpriced/0.9"], out=tmp_path / "b",
                 campaign_budget=Budget(max_usd=1.0), sandbox=LocalProvider())  # fmt: skip


async def test_rollout_and_trial_limits_end_trials_by_budget_before_they_pass_it(
    tmp_path: Path,
) -> None:
    prices = {"sim/0.9": {"input": 100.0, "output": 100.0}}
    tasks = one_task()
    free = await Campaign(tasks, ["react"], ["sim/0.9"], out=tmp_path / "a", prices=prices,
                          sandbox=LocalProvider()).run()  # fmt: skip
    capped = await Campaign(tasks, ["react"], ["sim/0.9"], out=tmp_path / "b", prices=prices,
                            budget=Limits(max_usd=1e-6), sandbox=LocalProvider()).run()  # fmt: skip
    assert capped[0].end_reason == "budget"
    assert (capped[0].usd or 0) < (free[0].usd or 0)
    spent = free[0].prompt_tokens + free[0].completion_tokens
    limit = spent // 2
    trial = await Campaign(tasks, ["best_of_n:n=3"], ["sim/0.9"], out=tmp_path / "c",
                           trial_budget=Budget(max_tokens=limit),
                           sandbox=LocalProvider()).run()  # fmt: skip
    assert trial[0].prompt_tokens + trial[0].completion_tokens <= limit
    trajectory = load(tmp_path / "c" / "trajectories" / f"{trial[0].id}.json.gz")
    assert "budget" in {b.end_reason for b in trajectory.branches}


async def test_a_spent_campaign_budget_leaves_trials_pending_for_a_larger_rerun(
    tmp_path: Path,
) -> None:
    tasks = load_tasks([TASKS_DIR])[:4]

    def campaign(tokens: int) -> Campaign:
        return Campaign(tasks, ["react"], ["sim/0.9"], out=tmp_path, concurrency=1,
                        campaign_budget=Budget(max_tokens=tokens),
                        sandbox=LocalProvider())  # fmt: skip

    first = campaign(1500)
    rows = await first.run()
    spent = sum(r.prompt_tokens + r.completion_tokens for r in rows)
    assert spent <= 1500 and first.stopped.startswith("campaign budget")
    assert {r.status for r in rows} == {"finished", "pending"}
    done = {r.id for r in rows if r.status == "finished"}
    again = await campaign(10**7).run()
    assert {r.status for r in again} == {"finished"}
    assert {r.id: r.attempts for r in again if r.id in done} == dict.fromkeys(done, 1)


async def test_wall_time_budgets_are_the_tightest_up_the_chain_and_end_trials(
    tmp_path: Path,
) -> None:
    campaign = Ledger(PriceTable.pinned(), Budget(max_seconds=100), scope="campaign")
    ledger = Ledger(PriceTable.pinned(), Budget(max_seconds=50), parent=campaign)
    left = ledger.seconds_left()
    assert left is not None and 49 < left <= 50
    campaign.started -= 60  # as if the campaign had run for a minute: 40 s left for all
    left = ledger.seconds_left()
    assert left is not None and 39 < left <= 40
    ledger.started -= 50
    assert ledger.seconds_left() == 0.0
    with pytest.raises(OverBudget, match=r"trial budget: 50s of wall time used of 50s"):
        ledger.admit("sim/0.9", HELLO, None)
    rows = await Campaign(one_task(), ["react"], ["sim/0.9"], out=tmp_path,
                          trial_budget=Budget(max_seconds=1e-3),
                          sandbox=LocalProvider()).run()  # fmt: skip
    assert rows[0].end_reason in ("budget", "timeout") and not rows[0].passed


def test_totals_keep_unpriced_and_unknown_flops_as_none() -> None:
    priced = Ledger(PriceTable.load({"x/*": {"input": 1, "output": 1, "params": 1e9}}))
    priced.charge("x/a", Usage(prompt_tokens=10), "policy", priced.admit("x/a", HELLO, 1))
    priced.charge("y/b", Usage(prompt_tokens=10), "judge", priced.admit("y/b", HELLO, 1))
    spent = total(priced.by_role)
    assert spent.usd is None and spent.flops is None and spent.unpriced == ["y/b"]
    assert priced.by_role["policy"].usd == pytest.approx(10e-6)


def test_a_store_from_before_the_cost_columns_gains_them(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE trials (id TEXT PRIMARY KEY, task_id TEXT NOT NULL, "
                   "strategy TEXT NOT NULL, model TEXT NOT NULL, seed INTEGER NOT NULL, "
                   "status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, "
                   "updated_at REAL)")  # fmt: skip
        db.execute("INSERT INTO trials (id, task_id, strategy, model, seed) "
                   "VALUES ('a', 't', 'react', 'sim/1', 0)")  # fmt: skip
    store = Store(path)
    store.finish("a", status="finished", usd=0.5, sandbox_cpu_s=1.5)
    [row] = store.rows()
    store.close()
    assert (row.id, row.usd, row.status, row.sandbox_cpu_s, row.roles) == (
        "a", 0.5, "finished", 1.5, {})


async def test_planner_and_value_calls_are_charged_to_their_roles(tmp_path: Path) -> None:
    from environments.parallel_tools import TASKS_DIR as PARALLEL

    planned = [t for t in load_tasks([PARALLEL]) if t.id == "capital-density"]
    dag = await Campaign(planned, ["dag"], ["sim/1.0"], out=tmp_path / "dag",
                         sandbox=LocalProvider()).run()  # fmt: skip
    assert {"planner", "verifier"} <= set(dag[0].roles) and dag[0].roles["planner"].calls >= 2
    searched = await Campaign(one_task(), ["mcts:simulations=3,value_model=sim/0.9"], ["sim/0.9"],
                              out=tmp_path / "mcts", sandbox=LocalProvider()).run()  # fmt: skip
    roles = searched[0].roles
    assert roles["value"].calls >= 1 and roles["policy"].calls >= 1
    trajectory = load(tmp_path / "mcts" / "trajectories" / f"{searched[0].id}.json.gz")
    assert roles["value"].tokens + roles["policy"].tokens == trajectory.usage.prompt_tokens \
        + trajectory.usage.completion_tokens  # fmt: skip
