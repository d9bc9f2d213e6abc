"""OpenAIModel through the real openai SDK, over HTTP, against a scripted fake endpoint.

The endpoint is a stdlib HTTP server on 127.0.0.1 (ephemeral port) that answers
`POST /v1/chat/completions` from a script of replies; retries record their delays through an
injected sleep instead of waiting them.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import socket
import threading
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from agentlab.models import limits
from agentlab.models.base import ModelError
from agentlab.models.limits import (
    EndpointLimiter,
    LimiterRegistry,
    Limits,
    RetryPolicy,
    endpoint_key,
)
from agentlab.models.openai import OpenAIModel, to_openai_messages
from agentlab.models.registry import get_model
from agentlab.types import Message, ToolCall, Usage

NOW = 1_700_000_000.0
SECRET = "sk-test-9f8e7d6c5b4a-do-not-leak"
BASH_TOOL = {
    "type": "function",
    "function": {
        "name": "bash",
        "description": "Run a command",
        "parameters": {"type": "object", "properties": {"cmd": {"type": "string"}}},
    },
}


# -- the fake endpoint ----------------------------------------------------------------------


@dataclass
class Reply:
    """One scripted answer: a status with a JSON (or text) body and headers, or a hang."""

    status: int = 200
    body: dict[str, Any] | str | None = None  # None: a completion made from the request
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    body = {"error": {"message": message, "type": "test_error", "code": None}}
    return Reply(status, body, headers or {})


def tool_call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def completion(*messages: dict[str, Any], usage: dict[str, Any] | None = None) -> dict[str, Any]:
    choices = [
        {
            "index": index,
            "message": {"role": "assistant", "content": None, **message},
            "finish_reason": "tool_calls" if message.get("tool_calls") else "stop",
        }
        for index, message in enumerate(messages)
    ]
    body: dict[str, Any] = {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0,
        "model": "fake-model-2025", "choices": choices,
    }  # fmt: skip
    if usage is not None:
        body["usage"] = usage
    return body


def usage(prompt: int, completion_tokens: int, cached: int | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt + completion_tokens,
    }
    if cached is not None:
        data["prompt_tokens_details"] = {"cached_tokens": cached}
    return data


class FakeEndpoint(ThreadingHTTPServer):
    """Answers chat completions from `script` (then with `choice i` texts), recording each
    request's body and headers and the most requests it ever had in flight at once."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: deque[Reply] = deque()
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.hold_until = 0  # hold each request until this many are in flight...
        self.expected = 0  # ...or this many have arrived in all
        self.released = threading.Event()  # ends hangs
        self.state = threading.Condition()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def arrive(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self.state:
            self.bodies.append(body)
            self.headers.append(headers)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.state.notify_all()
            self.state.wait_for(
                lambda: self.in_flight >= self.hold_until or len(self.bodies) >= self.expected,
                timeout=5,
            )
            return self.script.popleft() if self.script else Reply()

    def leave(self) -> None:
        with self.state:
            self.in_flight -= 1
            self.state.notify_all()


class _Handler(BaseHTTPRequestHandler):
    server: FakeEndpoint

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        reply = self.server.arrive(body, {k.lower(): v for k, v in self.headers.items()})
        try:
            if self.path != "/v1/chat/completions":
                reply = error(404, f"no route {self.path}")
            if reply.hang:
                self.server.released.wait(10)
                return
            payload = reply.body
            if payload is None:
                n = body.get("n", 1)
                texts = [{"content": f"choice {i}"} for i in range(n)]
                payload = completion(*texts, usage=usage(11, 3 * n, 4))
            data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
            self.send_response(reply.status)
            kind = "text/plain" if isinstance(payload, str) else "application/json"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (a timeout test)
        finally:
            self.server.leave()


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch) -> None:
    """No OPENAI_* setting or proxy from the machine leaks in; a fresh default limiter set."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID",
                 "OPENAI_ADMIN_KEY", "OPENAI_CUSTOM_HEADERS", "OPENAI_LOG", "HTTP_PROXY",
                 "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(limits, "registry", LimiterRegistry())


@pytest.fixture
def endpoint() -> Iterator[FakeEndpoint]:
    server = FakeEndpoint()
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server
    server.released.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def delays() -> list[float]:
    return []


@pytest.fixture
def policy(delays: list[float]) -> RetryPolicy:
    async def record(seconds: float) -> None:
        delays.append(seconds)

    return RetryPolicy(sleep=record, rng=random.Random(7), clock=lambda: NOW)


@pytest.fixture
async def model(endpoint: FakeEndpoint, policy: RetryPolicy) -> AsyncIterator[OpenAIModel]:
    async with OpenAIModel("fake-model", base_url=endpoint.url, retry=policy) as client:
        yield client


HELLO = [Message(role="user", content="hello")]


# -- conversion -----------------------------------------------------------------------------


def test_messages_convert_to_the_sdk_shapes() -> None:
    call = ToolCall(id="call_1", name="bash", arguments='{"cmd": "ls"}')
    converted = to_openai_messages([
        Message(role="system", content="be brief"),
        Message(role="user", content="list files", name="alice"),
        Message(role="assistant", content=None, tool_calls=[call]),
        Message(role="tool", content="a.txt", tool_call_id="call_1"),
        Message(role="assistant", content=None),
    ])  # fmt: skip
    assert converted == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "list files", "name": "alice"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "bash", "arguments": '{"cmd": "ls"}'}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "a.txt"},
        {"role": "assistant", "content": ""},
    ]  # fmt: skip


def test_a_tool_message_without_its_call_id_is_refused() -> None:
    with pytest.raises(ValueError, match="message 1: a tool message needs a tool_call_id"):
        to_openai_messages([HELLO[0], Message(role="tool", content="out")])


async def test_the_request_carries_every_option(model: OpenAIModel, endpoint: FakeEndpoint) -> None:
    history = [*HELLO, Message(role="assistant", content=None, tool_calls=[
        ToolCall(id="c1", name="bash", arguments="{}")]),
        Message(role="tool", content="ok", tool_call_id="c1")]  # fmt: skip
    await model.complete(history, tools=[BASH_TOOL], n=3, temperature=0.7, max_tokens=64,
                         seed=42, stop=["END"], metadata={"trial": "t1"})  # fmt: skip
    [sent] = endpoint.bodies
    assert sent["model"] == "fake-model"
    assert sent["messages"] == to_openai_messages(history)
    assert sent["tools"] == [BASH_TOOL]
    assert (sent["n"], sent["temperature"], sent["seed"]) == (3, 0.7, 42)
    assert (sent["stop"], sent["max_tokens"], sent["metadata"]) == (["END"], 64, {"trial": "t1"})
    assert "max_completion_tokens" not in sent


async def test_defaults_leave_optional_fields_out(
    model: OpenAIModel, endpoint: FakeEndpoint
) -> None:
    await model.complete(HELLO)
    [sent] = endpoint.bodies
    assert set(sent) == {"model", "messages", "temperature"}


async def test_the_openai_dialect_sends_max_completion_tokens_and_no_metadata(
    endpoint: FakeEndpoint, policy: RetryPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    async with OpenAIModel("gpt-x", base_url=endpoint.url, dialect="openai", retry=policy) as m:
        await m.complete(HELLO, max_tokens=64, metadata={"trial": "t1"})
    [sent] = endpoint.bodies
    assert sent["max_completion_tokens"] == 64
    assert "max_tokens" not in sent and "metadata" not in sent
    assert m.name == "openai/gpt-x"


async def test_choices_tool_calls_and_usage_come_back(
    model: OpenAIModel, endpoint: FakeEndpoint
) -> None:
    endpoint.script.append(Reply(body=completion(
        {"content": "I'll look.", "tool_calls": [tool_call("c1", "bash", '{"cmd": "ls"}'),
                                                  tool_call("c2", "bash", '{"cmd": "pwd"}')]},
        {"content": "done"},
        usage=usage(120, 30, cached=96),
    )))  # fmt: skip
    result = await model.complete(HELLO, tools=[BASH_TOOL], n=2)
    first, second = result.choices
    assert first.message.role == "assistant" and first.message.content == "I'll look."
    assert [(c.id, c.name, c.arguments) for c in first.message.tool_calls] == [
        ("c1", "bash", '{"cmd": "ls"}'), ("c2", "bash", '{"cmd": "pwd"}')]  # fmt: skip
    assert first.finish_reason == "tool_calls"
    assert (second.message.content, second.message.tool_calls) == ("done", [])
    assert second.finish_reason == "stop"
    assert result.usage.prompt_tokens == 120
    assert result.usage.completion_tokens == 30
    assert result.usage.cached_tokens == 96
    assert result.model == "fake-model-2025"
    assert result.latency_s > 0


async def test_malformed_tool_call_json_reaches_the_agent_untouched(
    model: OpenAIModel, endpoint: FakeEndpoint
) -> None:
    broken = '{"cmd": "ls -la, "extra": }'
    body = completion({"tool_calls": [tool_call("c1", "bash", broken)]}, usage=usage(5, 5, None))
    endpoint.script.append(Reply(body=body))
    result = await model.complete(HELLO, tools=[BASH_TOOL])
    [call] = result.choices[0].message.tool_calls
    assert call.arguments == broken
    assert result.choices[0].message.content is None


async def test_usage_is_zero_when_not_reported_and_cached_zero_when_absent(
    model: OpenAIModel, endpoint: FakeEndpoint
) -> None:
    endpoint.script.append(Reply(body=completion({"content": "hi"})))
    endpoint.script.append(Reply(body=completion({"content": "hi"}, usage=usage(9, 2, None))))
    unreported = await model.complete(HELLO)
    uncached = await model.complete(HELLO)
    assert unreported.usage == Usage(prompt_tokens=0, completion_tokens=0, cached_tokens=0)
    assert (uncached.usage.prompt_tokens, uncached.usage.cached_tokens) == (9, 0)


@pytest.mark.parametrize(
    ("body", "shown"),
    [("<html>proxy login</html>", "<html>proxy login</html>"), ({"object": "list"}, "no choices")],
    ids=["html", "no-choices"],
)
async def test_a_response_that_is_no_completion_is_a_model_error(
    model: OpenAIModel, endpoint: FakeEndpoint, body: dict[str, Any] | str, shown: str
) -> None:
    endpoint.script.append(Reply(body=body))
    with pytest.raises(ModelError, match=f"the response is not a chat completion: {shown}"):
        await model.complete(HELLO)


# -- retries --------------------------------------------------------------------------------


async def test_server_errors_are_retried_with_jittered_exponential_backoff(
    model: OpenAIModel, endpoint: FakeEndpoint, delays: list[float]
) -> None:
    endpoint.script.extend([error(500, "boom"), error(503, "busy"), error(502, "bad gateway")])
    result = await model.complete(HELLO)
    assert result.choices[0].message.content == "choice 0"
    assert len(endpoint.bodies) == 4
    # 1 s doubling per attempt, each scaled into [0.5, 1) of its ceiling...
    assert [ceiling / 2 <= d < ceiling for d, ceiling in zip(delays, [1, 2, 4], strict=True)] == [
        True, True, True]  # fmt: skip
    # ...by the injected random source, so the same seed gives the same delays.
    twin = RetryPolicy(rng=random.Random(7))
    assert delays == [twin.delay(attempt, None) for attempt in (1, 2, 3)]


async def test_backoff_never_exceeds_its_ceiling() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=30.0, rng=random.Random(1))
    assert all(15.0 <= policy.delay(attempt, None) < 30.0 for attempt in range(6, 200))


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, [7.0]),
        ({"Retry-After": email.utils.formatdate(NOW + 30, usegmt=True)}, [30.0]),
        ({"retry-after-ms": "250"}, [0.25]),
        ({"Retry-After": "3600"}, [60.0]),  # capped at max_retry_after_s
    ],
    ids=["seconds", "http-date", "milliseconds", "capped"],
)
async def test_a_429_waits_what_retry_after_says(
    model: OpenAIModel,
    endpoint: FakeEndpoint,
    delays: list[float],
    headers: dict[str, str],
    expected: list[float],
) -> None:
    endpoint.script.append(error(429, "slow down", headers))
    result = await model.complete(HELLO)
    assert result.choices[0].message.content == "choice 0"
    assert delays == expected


async def test_a_timeout_is_retried(endpoint: FakeEndpoint, policy: RetryPolicy) -> None:
    endpoint.script.append(Reply(hang=True))
    async with OpenAIModel("m", base_url=endpoint.url, retry=policy, timeout_s=0.3) as model:
        result = await model.complete(HELLO)
    assert result.choices[0].message.content == "choice 0"
    assert len(endpoint.bodies) == 2


async def test_timeouts_exhaust_their_attempts(endpoint: FakeEndpoint, delays: list[float]) -> None:
    async def record(seconds: float) -> None:
        delays.append(seconds)

    endpoint.script.extend([Reply(hang=True), Reply(hang=True)])
    policy = RetryPolicy(max_attempts=2, sleep=record)
    async with OpenAIModel("m", base_url=endpoint.url, retry=policy, timeout_s=0.2) as model:
        with pytest.raises(ModelError, match=r"gave up after 2 attempts; .*timed out after 0.2s"):
            await model.complete(HELLO)
    assert len(delays) == 1


async def test_connection_errors_are_retried_until_the_attempts_run_out(
    policy: RetryPolicy, delays: list[float]
) -> None:
    with socket.socket() as bound:  # bound, never listening: connections are refused
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}/v1"
        async with OpenAIModel("m", base_url=url, retry=policy) as model:
            with pytest.raises(ModelError) as caught:
                await model.complete(HELLO)
    assert caught.value.retryable
    assert "gave up after 5 attempts" in str(caught.value)
    assert "connection error" in str(caught.value)
    assert len(delays) == 4


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (400, "Invalid value for 'temperature'"),
        (401, "Incorrect API key provided"),
        (404, "The model `nope` does not exist"),
    ],
)
async def test_client_errors_fail_at_once_with_the_providers_message(
    model: OpenAIModel, endpoint: FakeEndpoint, delays: list[float], status: int, message: str
) -> None:
    endpoint.script.append(error(status, message))
    with pytest.raises(ModelError) as caught:
        await model.complete(HELLO)
    assert not caught.value.retryable
    assert caught.value.status == status
    assert f"HTTP {status}: {message}" in str(caught.value)
    assert str(caught.value).startswith(model.name)
    assert len(endpoint.bodies) == 1 and delays == []


async def test_a_plain_text_error_body_is_surfaced(
    model: OpenAIModel, endpoint: FakeEndpoint
) -> None:
    endpoint.script.append(Reply(403, "forbidden by the proxy"))
    with pytest.raises(ModelError, match="HTTP 403: forbidden by the proxy"):
        await model.complete(HELLO)


async def test_exhausted_retries_name_the_endpoint_and_the_attempts(
    model: OpenAIModel, endpoint: FakeEndpoint, delays: list[float]
) -> None:
    endpoint.script.extend([error(503, "overloaded")] * 5)
    with pytest.raises(ModelError) as caught:
        await model.complete(HELLO)
    assert caught.value.retryable and caught.value.status == 503
    assert str(caught.value) == (
        f"openai-compatible/fake-model@{endpoint.url}: gave up after 5 attempts; "
        "last error: HTTP 503: overloaded"
    )
    assert len(endpoint.bodies) == 5 and len(delays) == 4


# -- limits ---------------------------------------------------------------------------------


async def test_the_concurrency_cap_holds(endpoint: FakeEndpoint, policy: RetryPolicy) -> None:
    endpoint.hold_until, endpoint.expected = 2, 6
    async with OpenAIModel("m", base_url=endpoint.url, retry=policy,
                           limits=Limits(max_concurrency=2)) as model:  # fmt: skip
        await asyncio.gather(*(model.complete(HELLO) for _ in range(6)))
    assert endpoint.max_in_flight == 2


async def test_clients_of_one_endpoint_share_its_limits(
    endpoint: FakeEndpoint, policy: RetryPolicy
) -> None:
    endpoint.hold_until, endpoint.expected = 2, 6
    limits.registry.limiter(endpoint.url, Limits(max_concurrency=2))
    async with (
        OpenAIModel("a", base_url=endpoint.url, retry=policy) as a,
        OpenAIModel("b", base_url=endpoint.url + "/", retry=policy) as b,
    ):
        assert a.limiter is b.limiter
        await asyncio.gather(*(m.complete(HELLO) for m in (a, b, a, b, a, b)))
    assert endpoint.max_in_flight == 2


async def test_the_rate_limit_holds_back_requests_over_it(
    endpoint: FakeEndpoint, policy: RetryPolicy
) -> None:
    rate = Limits(rate_limit=2, period_s=3600)
    async with OpenAIModel("m", base_url=endpoint.url, retry=policy, limits=rate) as model:
        calls = [asyncio.create_task(model.complete(HELLO)) for _ in range(3)]
        finished = asyncio.as_completed(calls)
        await next(finished)
        await next(finished)
        assert len(endpoint.bodies) == 2
        assert sum(call.done() for call in calls) == 2  # the third waits for the next hour
        for call in calls:
            call.cancel()
        await asyncio.gather(*calls, return_exceptions=True)


def test_conflicting_limits_for_one_endpoint_are_refused() -> None:
    registry = LimiterRegistry()
    first = registry.limiter("http://127.0.0.1:9/v1", Limits(max_concurrency=4))
    assert registry.limiter("HTTP://127.0.0.1:9/v1/") is first
    assert registry.limiter("http://127.0.0.1:9/v1", Limits(max_concurrency=4)) is first
    with pytest.raises(ValueError, match="already"):
        registry.limiter("http://127.0.0.1:9/v1", Limits(max_concurrency=8))
    registry.reset()
    assert registry.limiter("http://127.0.0.1:9/v1", Limits(max_concurrency=8)) is not first


def test_endpoint_keys_drop_credentials_and_trailing_slashes() -> None:
    assert endpoint_key("HTTP://User:pw@Example.COM:8000/v1/") == "http://example.com:8000/v1"


def test_a_limiter_serves_one_event_loop_after_another() -> None:
    limiter = EndpointLimiter("http://127.0.0.1:9/v1", Limits(max_concurrency=1))

    async def contend() -> list[str]:
        order: list[str] = []
        entered = asyncio.Event()

        async def hold() -> None:
            async with limiter.slot():
                order.append("first in")
                entered.set()
                await asyncio.sleep(0)
                order.append("first out")

        async def wait() -> None:
            await entered.wait()
            async with limiter.slot():
                order.append("second in")

        await asyncio.gather(hold(), wait())
        return order

    expected = ["first in", "first out", "second in"]
    assert asyncio.run(contend()) == expected
    assert asyncio.run(contend()) == expected  # a semaphore bound to the first loop would fail


# -- the API key ----------------------------------------------------------------------------


async def test_the_api_key_is_sent_but_never_shown(
    endpoint: FakeEndpoint,
    policy: RetryPolicy,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    # A careless server echoes the key it was given into its error message.
    endpoint.script.extend([error(503, f"busy for {SECRET}"), error(401, f"bad key {SECRET}")])
    model = get_model(f"openai-compatible/m@{endpoint.url}", retry=policy).inner
    assert isinstance(model, OpenAIModel)
    with pytest.raises(ModelError) as caught:
        await model.complete(HELLO)
    await model.aclose()
    assert endpoint.headers[0]["authorization"] == f"Bearer {SECRET}"
    shown = [repr(model), str(model), model.name, str(caught.value), repr(caught.value),
             caplog.text, repr(vars(model.retry)), repr(model.limiter)]  # fmt: skip
    assert all(SECRET not in text for text in shown)
    assert "bad key [redacted]" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


async def test_compatible_servers_get_a_placeholder_key_when_none_is_set(
    model: OpenAIModel, endpoint: FakeEndpoint
) -> None:
    await model.complete(HELLO)
    assert endpoint.headers[0]["authorization"] == "Bearer not-needed"


def test_openai_itself_needs_the_key() -> None:
    with pytest.raises(ModelError, match="openai/gpt-4o-mini: OPENAI_API_KEY is not set"):
        OpenAIModel("gpt-4o-mini", dialect="openai")
