"""The ModelClient protocol and the errors every provider raises."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol

from agentlab.types import Completion, Message

ToolSchema = dict[str, Any]
"""An OpenAI function-calling tool: {"type": "function", "function": {name, ...}}."""


class ModelError(RuntimeError):
    """A model call failed. `retryable` errors (429, 5xx, timeouts, connections) may be retried."""

    def __init__(self, message: str, *, retryable: bool = False, status: int | None = None,
                 retry_after: float | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


class BudgetExceeded(ModelError):
    """A call refused before it was made: it would take a trial or campaign past its budget."""


def end_reason(exc: ModelError) -> Literal["budget", "model_error"]:
    """How a rollout that a failed model call ended says so."""
    return "budget" if isinstance(exc, BudgetExceeded) else "model_error"


class ModelClient(Protocol):
    """Answers chat calls; one async method so a closure can be a model (DESIGN §3).

    With `on_text`, the client hands over the assistant's text as it is generated: it calls
    `on_text` with each non-empty piece, in order, and the pieces joined equal the returned
    message's content. Streaming is of one choice, so `n` must be 1 (ValueError otherwise).
    The full Completion, usage included, is still returned at the end. A failure after text
    was handed over raises a ModelError with `retryable=False`: a silent retry would hand over
    a second answer on top of the first, so only the receiver can decide to start over.
    """

    name: str

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
    ) -> Completion: ...
