"""OpenAIModel: the ModelClient for OpenAI's API and any OpenAI-compatible chat endpoint.

One class serves api.openai.com, vLLM, Ollama and llama.cpp's server through the official
`openai` SDK. The SDK's own retries are off: `call_with_retries` (limits.py) retries under the
endpoint's shared rate and concurrency limits instead. The API key comes from OPENAI_API_KEY
only, is handed to the SDK and kept nowhere else, and is redacted from every error message.
With `on_text` the answer is streamed, and its chunks are put back together into the chat
completion the same call would have returned unstreamed.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import AsyncGenerator, Callable, Sequence
from contextlib import aclosing
from typing import Any, Literal, cast

import openai
from openai.types.chat import (
    ChatCompletion,
    ChatCompletionAssistantMessageParam,
    ChatCompletionChunk,
    ChatCompletionMessage,
    ChatCompletionMessageFunctionToolCallParam,
    ChatCompletionMessageParam,
    ChatCompletionToolUnionParam,
)
from openai.types.completion_usage import CompletionUsage

from agentlab.models import limits as _limits
from agentlab.models.base import ModelError, ToolSchema
from agentlab.models.limits import (
    LimiterRegistry,
    Limits,
    RetryPolicy,
    call_with_retries,
    endpoint_key,
)
from agentlab.types import Choice, Completion, Message, ToolCall, Usage

DEFAULT_BASE_URL = "https://api.openai.com/v1"
API_KEY_ENV = "OPENAI_API_KEY"
PLACEHOLDER_KEY = "not-needed"
"""Sent to compatible servers when OPENAI_API_KEY is unset; local servers ignore the key."""

Dialect = Literal["openai", "compatible"]

_RETRYABLE_STATUS = frozenset({408, 429})  # and every 5xx


class OpenAIModel:
    """A chat model behind an OpenAI-compatible `/chat/completions` endpoint.

    `dialect` says whose API it is. "openai": OPENAI_API_KEY is required, `max_tokens` is sent
    as `max_completion_tokens` (reasoning models reject `max_tokens`), and `metadata` is not
    sent (the API accepts it only on stored completions, and storing is not ours to switch on).
    "compatible" (vLLM, Ollama, llama.cpp, proxies): the key is optional, `max_tokens` and
    `metadata` are sent as they are.

    `limits` set the endpoint's shared rate and concurrency caps the first time any client of
    that base URL is made (see limits.py); `limiters` defaults to `limits.registry`.
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        dialect: Dialect = "compatible",
        timeout_s: float = 600.0,
        retry: RetryPolicy | None = None,
        limits: Limits | None = None,
        limiters: LimiterRegistry | None = None,
    ) -> None:
        if not model:
            raise ValueError("OpenAIModel: the model name is empty")
        self.model = model
        self.dialect: Dialect = dialect
        self.endpoint = endpoint_key(base_url)
        compatible_name = f"openai-compatible/{model}@{self.endpoint}"
        self.name = f"openai/{model}" if dialect == "openai" else compatible_name
        self.timeout_s = timeout_s
        api_key = os.environ.get(API_KEY_ENV)
        if not api_key:
            if dialect == "openai":
                raise ModelError(f"{self.name}: {API_KEY_ENV} is not set")
            api_key = PLACEHOLDER_KEY
        self.retry = retry or RetryPolicy()
        self.limiter = (limiters or _limits.registry).limiter(base_url, limits)
        self._sdk = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout_s, max_retries=0
        )

    def __repr__(self) -> str:
        return f"OpenAIModel({self.model!r}, base_url={self.endpoint!r}, dialect={self.dialect!r})"

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
        """One chat completion with `n` choices; latency covers queueing and retries.

        With `on_text` the answer streams (one choice: n > 1 is a ValueError) and each piece
        of its text goes to `on_text` as it arrives. A failure before the first piece is
        retried like any other. Once text was handed over it is not: a retry would hand over
        a second answer on top of the first, so the failure is raised at once as a ModelError
        with `retryable=False`, and the receiver decides whether to start over.
        """
        if n < 1:
            raise ValueError(f"{self.name}: n must be >= 1, not {n}")
        if on_text is not None and n != 1:
            raise ValueError(f"{self.name}: streaming (on_text) is of one choice, not n={n}")
        openai_dialect = self.dialect == "openai"
        request: dict[str, Any] = {
            "model": self.model,
            "messages": to_openai_messages(messages),
            "tools": cast(list[ChatCompletionToolUnionParam], list(tools or [])) or openai.omit,
            "n": openai.omit if n == 1 else n,
            "temperature": temperature,
            "seed": openai.omit if seed is None else seed,
            "stop": list(stop) if stop else openai.omit,
            "max_tokens": openai.omit if max_tokens is None or openai_dialect else max_tokens,
            "max_completion_tokens": (
                max_tokens if max_tokens is not None and openai_dialect else openai.omit
            ),
            "metadata": openai.omit if metadata is None or openai_dialect else metadata,
        }

        async def attempt() -> ChatCompletion:
            if on_text is not None:
                return await self._streamed(request, on_text)
            try:
                response: ChatCompletion = await self._sdk.chat.completions.create(**request)
                return response
            except openai.OpenAIError as exc:
                # `from None`: the SDK's exception carries the request, headers and all.
                raise self._model_error(exc) from None

        started = time.perf_counter()
        response = await call_with_retries(
            attempt, policy=self.retry, limiter=self.limiter, endpoint=self.name
        )
        latency_s = time.perf_counter() - started
        try:
            return to_completion(response, model=self.model, latency_s=latency_s)
        except (AttributeError, TypeError, ValueError) as exc:  # pydantic's errors are ValueErrors
            shown = str(response)[:200] if isinstance(response, str) else f"{exc}"
            raise ModelError(
                self._redact(f"{self.name}: the response is not a chat completion: {shown}")
            ) from None

    async def _streamed(
        self, request: dict[str, Any], on_text: Callable[[str], None]
    ) -> ChatCompletion:
        """One streamed attempt, its text handed to `on_text`, its chunks put back together."""
        chunks = _Chunks()
        async with aclosing(self._text(request, chunks)) as pieces:
            try:
                async for piece in pieces:
                    on_text(piece)
            except ModelError as exc:
                if not chunks.text:
                    raise
                reason = str(exc).removeprefix(f"{self.name}: ")
                raise ModelError(
                    f"{self.name}: the stream broke off after text was handed over, "
                    f"so it is not retried: {reason}",
                    status=exc.status,
                ) from None
        return chunks.response()

    async def _text(self, request: dict[str, Any], chunks: _Chunks) -> AsyncGenerator[str, None]:
        """Streams the request into `chunks`, yielding the text pieces as they arrive."""
        try:
            stream = await self._sdk.chat.completions.create(
                **request, stream=True, stream_options={"include_usage": True}
            )
            async with stream:
                async for chunk in stream:
                    for piece in chunks.add(chunk):
                        yield piece
        except openai.OpenAIError as exc:
            raise self._model_error(exc) from None
        except (AttributeError, TypeError, ValueError) as exc:  # a chunk that is not one
            raise ModelError(
                self._redact(f"{self.name}: the stream is not of chat completion chunks: {exc}")
            ) from None

    async def aclose(self) -> None:
        """Closes the HTTP connections."""
        await self._sdk.close()

    async def __aenter__(self) -> OpenAIModel:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    def _model_error(self, exc: openai.OpenAIError) -> ModelError:
        status: int | None = None
        retry_after: float | None = None
        if isinstance(exc, openai.APITimeoutError):
            retryable, text = True, f"timed out after {self.timeout_s:g}s"
        elif isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__
            detail = f" ({type(cause).__name__}: {cause})" if cause is not None else ""
            retryable, text = True, f"connection error{detail}"
        elif isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            retryable = status in _RETRYABLE_STATUS or status >= 500
            if retryable:
                retry_after = self.retry.retry_after(exc.response.headers)
            text = f"HTTP {status}{f' [{exc.code}]' if exc.code else ''}: {_provider_message(exc)}"
        else:
            retryable, text = False, f"{type(exc).__name__}: {exc}"
        return ModelError(
            self._redact(f"{self.name}: {text}"),
            retryable=retryable,
            status=status,
            retry_after=retry_after,
        )

    def _redact(self, text: str) -> str:
        key = self._sdk.api_key
        if key and key != PLACEHOLDER_KEY:
            text = text.replace(key, "[redacted]")
        return text


class _Chunks:
    """One streamed choice put back together: `add` takes each chunk and returns its text
    pieces; `response` is the chat completion the chunks amount to."""

    def __init__(self) -> None:
        self.model = ""
        self.started = False  # a chunk with a choice arrived
        self.text: list[str] = []
        self.refusal = False  # the text is a refusal, not content
        self.calls: dict[int, dict[str, str]] = {}
        self.finish_reason: str | None = None
        self.usage: CompletionUsage | None = None

    def add(self, chunk: ChatCompletionChunk) -> list[str]:
        self.model = chunk.model or self.model
        self.usage = chunk.usage or self.usage
        pieces: list[str] = []
        for choice in chunk.choices:
            self.started = True
            delta = choice.delta
            if delta.refusal:
                self.refusal = True
            pieces += [piece for piece in (delta.content, delta.refusal) if piece]
            for call in delta.tool_calls or []:
                part = self.calls.setdefault(call.index, {"id": "", "name": "", "arguments": ""})
                part["id"] = part["id"] or call.id or ""
                if call.function is not None:
                    part["name"] = part["name"] or call.function.name or ""
                    part["arguments"] += call.function.arguments or ""
            self.finish_reason = choice.finish_reason or self.finish_reason
        self.text += pieces
        return pieces

    def response(self) -> ChatCompletion:
        text = "".join(self.text) if self.text else None
        calls = [
            {"id": call["id"] or None, "type": "function",
             "function": {"name": call["name"], "arguments": call["arguments"]}}
            for _, call in sorted(self.calls.items())
        ]  # fmt: skip
        message = {
            "role": "assistant",
            "content": None if self.refusal else text,
            "refusal": text if self.refusal else None,
            "tool_calls": calls,
        }
        choices = [{"index": 0, "message": message, "finish_reason": self.finish_reason}]
        return ChatCompletion.construct(
            id="", object="chat.completion", created=0, model=self.model,
            choices=choices if self.started else [], usage=self.usage,
        )  # fmt: skip


def _provider_message(exc: openai.APIStatusError) -> str:
    """What the provider said: the error's `message` if it sent one, else its body, shortened."""
    body = exc.body
    if isinstance(body, dict):
        message = body.get("message")
        if isinstance(message, str) and message:
            return message
        return json.dumps(body)[:500]
    if isinstance(body, str) and body.strip():
        return body.strip()[:500]
    return "(no response body)"


# -- conversions ----------------------------------------------------------------------------


def to_openai_messages(messages: Sequence[Message]) -> list[ChatCompletionMessageParam]:
    """Our messages in the SDK's dict shapes (tool calls on assistant messages, tool results
    answering a tool_call_id)."""
    out: list[ChatCompletionMessageParam] = []
    for index, message in enumerate(messages):
        content = message.content or ""
        if message.role == "system":
            out.append({"role": "system", "content": content})
        elif message.role == "user":
            out.append({"role": "user", "content": content})
        elif message.role == "assistant":
            assistant: ChatCompletionAssistantMessageParam = {"role": "assistant"}
            assistant["content"] = message.content if message.tool_calls else content
            if message.tool_calls:
                assistant["tool_calls"] = [_tool_call_param(call) for call in message.tool_calls]
            out.append(assistant)
        else:
            if message.tool_call_id is None:
                raise ValueError(f"message {index}: a tool message needs a tool_call_id")
            out.append({"role": "tool", "tool_call_id": message.tool_call_id, "content": content})
        if message.name and message.role != "tool":
            cast(dict[str, object], out[-1])["name"] = message.name
    return out


def _tool_call_param(call: ToolCall) -> ChatCompletionMessageFunctionToolCallParam:
    return {
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": call.arguments},
    }


def to_completion(response: ChatCompletion, *, model: str, latency_s: float) -> Completion:
    """The SDK's response as our Completion; tool-call arguments stay the model's raw text.

    Raises ValueError (or the AttributeError/TypeError of a malformed body) when the response
    is not a completion with at least one choice.
    """
    if not response.choices:
        raise ValueError("no choices")
    choices = [
        Choice(
            message=_message(choice.message, choice.index),
            finish_reason=choice.finish_reason or "stop",
        )
        for choice in sorted(response.choices, key=lambda c: c.index)
    ]
    return Completion(
        model=response.model or model,
        choices=choices,
        usage=to_usage(response.usage),
        latency_s=latency_s,
    )


def to_usage(usage: CompletionUsage | None) -> Usage:
    """Token counts as reported; zeros when the provider reported none (never estimated)."""
    if usage is None:
        return Usage()
    details = usage.prompt_tokens_details
    return Usage(
        prompt_tokens=usage.prompt_tokens or 0,
        completion_tokens=usage.completion_tokens or 0,
        cached_tokens=(details.cached_tokens or 0) if details is not None else 0,
    )


def _message(message: ChatCompletionMessage, choice_index: int) -> Message:
    calls: list[ToolCall] = []
    for position, call in enumerate(message.tool_calls or []):
        if call.type == "custom":
            name, arguments = call.custom.name, call.custom.input
        else:
            name, arguments = call.function.name, call.function.arguments
        if not isinstance(arguments, str):  # a server that sent an object, not JSON text
            arguments = json.dumps(arguments)
        call_id = call.id or f"call_{choice_index}_{position}"
        calls.append(ToolCall(id=call_id, name=name, arguments=arguments))
    content = message.content if message.content is not None else message.refusal
    return Message(role="assistant", content=content, tool_calls=calls)
