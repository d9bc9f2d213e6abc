"""`agentlab serve-sim`: the simulator behind an OpenAI-compatible chat-completions endpoint.

A threading stdlib HTTP server on loopback: POST /v1/chat/completions (tools, n, seed,
metadata, usage with cached tokens) and GET /v1/models. Model names are `sim/<skill>` or
`<skill>`. Faults the simulator injects come back as real HTTP errors (429 with Retry-After,
500), a response that arrives after the client gave up, a dropped connection, or malformed
tool-call JSON.

`stream: true` (one choice) answers with server-sent `chat.completion.chunk` events, the text
sent as the simulator generates it, then tool calls, the finish reason, the usage chunk when
`stream_options.include_usage` asks for it, and `[DONE]`.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from agentlab.models.base import ModelError
from agentlab.models.sim import Disconnect, Faults, Latency, SimModel, parse_skill, pieces
from agentlab.types import Completion, Message, ToolCall, Usage

TIMEOUT_FAULT_DELAY_S = 30.0  # long past any sane client timeout, yet bounded
MAX_BODY = 32 << 20


class SimServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, latency: Latency, faults: Faults) -> None:
        super().__init__((host, port), _Handler)
        self.latency = latency
        self.faults = faults
        self._models: dict[str, SimModel] = {}
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def model(self, name: str) -> SimModel:
        """One simulator per model name for the server's life, so faults stay transient."""
        with self._lock:
            if name not in self._models:
                skill = parse_skill(name.removeprefix("sim/"))
                self._models[name] = SimModel(skill, latency=self.latency, faults=self.faults)
            return self._models[name]


@contextmanager
def serve_in_thread(
    *, host: str = "127.0.0.1", port: int = 0, latency: Latency | None = None,
    faults: Faults | None = None,
) -> Iterator[SimServer]:  # fmt: skip
    """A running server for the duration of the block (port 0 picks a free one)."""
    server = SimServer(host, port, latency or Latency(), faults or Faults())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def to_message(data: dict[str, Any]) -> Message:
    """A chat-completions message dict as our Message (text parts joined)."""
    content = data.get("content")
    if isinstance(content, list):
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    calls = [
        ToolCall(id=c["id"], name=c["function"]["name"], arguments=c["function"]["arguments"])
        for c in data.get("tool_calls") or []
    ]
    return Message(role=data["role"], content=content, tool_calls=calls,
                   tool_call_id=data.get("tool_call_id"))  # fmt: skip


def to_wire(completion: Completion) -> dict[str, Any]:
    choices = []
    for index, choice in enumerate(completion.choices):
        message: dict[str, Any] = {"role": "assistant", "content": choice.message.content}
        if choice.message.tool_calls:
            message["tool_calls"] = [
                {"id": c.id, "type": "function",
                 "function": {"name": c.name, "arguments": c.arguments}}
                for c in choice.message.tool_calls
            ]  # fmt: skip
        choices.append({"index": index, "message": message,
                        "finish_reason": choice.finish_reason})  # fmt: skip
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": completion.model,
        "choices": choices,
        "usage": _usage(completion.usage),
    }


def _usage(usage: Usage) -> dict[str, Any]:
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.prompt_tokens + usage.completion_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cached_tokens},
    }


class _EventStream:
    """One choice as `chat.completion.chunk` server-sent events in a chunked HTTP body,
    opened by the first event, so a fault raised before any text can still be an HTTP error."""

    def __init__(self, handler: _Handler, model: str, *, include_usage: bool) -> None:
        self.handler = handler
        self.model = model
        self.include_usage = include_usage
        self.id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        self.created = int(time.time())
        self.opened = False

    def text(self, piece: str) -> None:
        self._delta({"content": piece})

    def finish(self, completion: Completion) -> None:
        """The tool calls (arguments in pieces), the finish reason, the usage, `[DONE]`."""
        choice = completion.choices[0]
        for index, call in enumerate(choice.message.tool_calls):
            first, *rest = pieces(call.arguments) or [""]
            function = {"name": call.name, "arguments": first}
            head = {"index": index, "id": call.id, "type": "function", "function": function}
            self._delta({"tool_calls": [head]})
            for piece in rest:
                self._delta({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
        self._chunk([{"index": 0, "delta": {}, "finish_reason": choice.finish_reason}])
        if self.include_usage:
            self._chunk([], usage=_usage(completion.usage))
        self._write(b"data: [DONE]\n\n")
        self._write(b"")  # the chunked body's last chunk

    def _delta(self, delta: dict[str, Any]) -> None:
        self._chunk([{"index": 0, "delta": delta, "finish_reason": None}])

    def _chunk(self, choices: list[dict[str, Any]], usage: dict[str, Any] | None = None) -> None:
        if not self.opened:
            self.opened = True
            handler = self.handler
            handler.send_response(200)
            handler.send_header("Content-Type", "text/event-stream")
            handler.send_header("Cache-Control", "no-cache")
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            self._delta({"role": "assistant", "content": ""})
        payload: dict[str, Any] = {"id": self.id, "object": "chat.completion.chunk",
                                   "created": self.created, "model": self.model,
                                   "choices": choices}  # fmt: skip
        if self.include_usage:
            payload["usage"] = usage
        self._write(f"data: {json.dumps(payload)}\n\n".encode())

    def _write(self, data: bytes) -> None:
        self.handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.handler.wfile.flush()


class _Handler(BaseHTTPRequestHandler):
    server: SimServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests are not logged (they may carry prompts)."""

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            self._send(200, {"object": "list", "data": [
                {"id": "sim/<skill>", "object": "model", "owned_by": "agentlab"}]})  # fmt: skip
        else:
            self._error(404, f"no route {self.path}", "not_found")

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._error(404, f"no route {self.path}", "not_found")
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
            if length > MAX_BODY:
                raise ValueError(f"request body over {MAX_BODY} bytes")
            body = json.loads(self.rfile.read(length))
            model = self.server.model(str(body.get("model", "")))
            messages = [to_message(m) for m in body["messages"]]
        except (ValueError, KeyError, TypeError) as exc:
            self._error(400, f"bad request: {exc}", "invalid_request_error")
            return
        n = int(body.get("n") or 1)
        stream = None
        if body.get("stream"):
            if n != 1:
                self._error(400, f"serve-sim streams one choice, not n={n}",
                            "invalid_request_error")  # fmt: skip
                return
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            stream = _EventStream(self, model.name, include_usage=include_usage)
        try:
            completion = asyncio.run(model.complete(
                messages, tools=body.get("tools"), n=n,
                temperature=float(body.get("temperature") or 0.0),
                max_tokens=body.get("max_tokens"), seed=body.get("seed"),
                stop=body.get("stop"), metadata=body.get("metadata"),
                on_text=stream.text if stream else None,
            ))  # fmt: skip
        except (Disconnect, OSError):  # the fault, or a client that went away mid-stream
            self.close_connection = True  # no answer, or a body cut short
            return
        except ModelError as exc:
            if exc.status == 429:
                self._error(429, str(exc), "rate_limit_exceeded",
                            {"Retry-After": f"{exc.retry_after or 1:g}"})  # fmt: skip
            elif exc.status is not None:
                self._error(exc.status, str(exc), "server_error")
            elif exc.retryable:  # a timeout: answer long after the client stopped waiting
                time.sleep(TIMEOUT_FAULT_DELAY_S)
                self._error(504, str(exc), "timeout")
            else:
                self._error(400, str(exc), "invalid_request_error")
            return
        if stream:
            stream.finish(completion)
        else:
            self._send(200, to_wire(completion))

    def _error(self, status: int, message: str, code: str,
               headers: dict[str, str] | None = None) -> None:  # fmt: skip
        self._send(status, {"error": {"message": message, "type": code, "code": code}}, headers)

    def _send(self, status: int, payload: dict[str, Any],
              headers: dict[str, str] | None = None) -> None:  # fmt: skip
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
