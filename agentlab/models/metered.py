"""Every model client, metered: its calls are admitted by and charged to the current ledger."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from agentlab import cost
from agentlab.models.base import BudgetExceeded, ModelClient, ToolSchema
from agentlab.types import Completion, Message


class Metered:
    """Wraps a client so each call passes the budgets of the trial running it (if any) and is
    charged to that trial's ledger under its role; outside a trial it only forwards."""

    def __init__(self, inner: ModelClient, address: str) -> None:
        self.inner = inner
        self.name = inner.name
        self.address = address

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        tools: Sequence[ToolSchema] | None = None,
        n: int = 1,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        seed: int | None = None,
        stop: Sequence[str] | None = None,
        metadata: dict[str, str] | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> Completion:
        ledger = cost.current()
        if ledger is None:
            return await self.inner.complete(
                messages, tools=tools, n=n, temperature=temperature, max_tokens=max_tokens,
                seed=seed, stop=stop, metadata=metadata, on_text=on_text,
            )  # fmt: skip
        role = cost.current_role((metadata or {}).get("role"))
        try:
            hold = ledger.admit(self.address, messages, max_tokens)
        except cost.OverBudget as exc:
            raise BudgetExceeded(str(exc)) from exc
        completion = None
        try:
            completion = await self.inner.complete(
                messages, tools=tools, n=n, temperature=temperature, max_tokens=hold.cap,
                seed=seed, stop=stop, metadata=metadata, on_text=on_text,
            )  # fmt: skip
        finally:
            ledger.charge(self.address, completion.usage if completion else None, role, hold)
        return completion
