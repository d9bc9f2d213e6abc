"""Streamed text (`on_text`): the sim in process, serve-sim over HTTP, OpenAIModel through it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from agentlab.models import limits, sim
from agentlab.models.base import ModelError
from agentlab.models.limits import LimiterRegistry, RetryPolicy
from agentlab.models.openai import OpenAIModel
from agentlab.models.sim import Faults, Latency, SimModel, count_tokens, pieces
from agentlab.models.sim_server import SimServer, serve_in_thread
from agentlab.types import Completion, Message

TOOLS = [
    {"type": "function", "function": {"name": name, "description": name, "parameters": {
        "type": "object", "properties": {key: {"type": "string"}}, "required": [key]}}}
    for name, key in (("bash", "command"), ("submit", "answer"))
]  # fmt: skip
SOLVE = "#!/bin/bash\nmkdir -p out\necho 1 > out/a\n\nls out | wc -l\n"


@pytest.fixture(autouse=True)
def _fresh_limiters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "registry", LimiterRegistry())


@pytest.fixture
def meta(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "count-files"
    (folder / "solution").mkdir(parents=True)
    (folder / "task.toml").write_text('difficulty = "medium"\n[agent]\nwants_answer = true\n')
    (folder / "instruction.md").write_text("How many files are in out/?")
    (folder / "solution" / "solve.sh").write_text(SOLVE)
    return {"task_dir": str(folder)}


@pytest.fixture
def server() -> Iterator[SimServer]:
    with serve_in_thread() as running:
        yield running


@pytest.fixture
def delays() -> list[float]:
    return []


@pytest.fixture
def policy(delays: list[float]) -> RetryPolicy:
    async def record(seconds: float) -> None:
        delays.append(seconds)

    return RetryPolicy(sleep=record, rng=random.Random(7))


HELLO = [Message(role="user", content="How many files are in out/?")]


def same_answer(one: Completion, other: Completion) -> bool:
    """Equal but for the wall time each took."""
    return one.model_copy(update={"latency_s": 0.0}) == other.model_copy(update={"latency_s": 0.0})


# -- the sim in process ---------------------------------------------------------------------


def test_pieces_are_a_few_tokens_and_end_at_line_ends() -> None:
    text = "Thought: count the files first\n1. bash('ls out')\n\njoin()"
    assert "".join(pieces(text)) == text
    assert pieces(text) == ["Thought: count t", "he files first\n", "1. bash('ls out'", ")\n",
                            "\n", "join()"]  # fmt: skip
    assert pieces("") == []


@pytest.mark.parametrize("role", ["policy", "checklist_writer"])
async def test_the_sim_streams_its_content_in_order(meta: dict[str, str], role: str) -> None:
    got: list[str] = []
    metadata = {**meta, "role": role}
    streamed = await SimModel(0.7).complete(HELLO, tools=TOOLS, seed=4, metadata=metadata,
                                            on_text=got.append)  # fmt: skip
    plain = await SimModel(0.7).complete(HELLO, tools=TOOLS, seed=4, metadata=metadata)
    content = plain.choices[0].message.content
    assert content and len(got) > 1 and "".join(got) == content and got == pieces(content)
    assert same_answer(streamed, plain)


async def test_with_latency_the_text_comes_before_the_call_ends(
    meta: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[str, float | str]] = []

    async def sleep(seconds: float) -> None:
        events.append(("sleep", seconds))

    monkeypatch.setattr(sim, "asyncio", SimpleNamespace(sleep=sleep))
    latency = Latency(ttft_s=0.5, tokens_per_s=20.0)
    model = SimModel(1.0, latency=latency)
    done = await model.complete(HELLO, tools=TOOLS, seed=1, metadata=meta,
                                on_text=lambda piece: events.append(("text", piece)))  # fmt: skip
    texts = [value for kind, value in events if kind == "text"]
    content = done.choices[0].message.content
    assert content and texts == pieces(content) and len(texts) > 1
    # time to first token and the first piece's tokens, then the piece; each later piece
    # waits for its own tokens; what follows the text (the tool call) is waited for last
    first = 0.5 + len(texts[0]) / sim._CHARS_PER_TOKEN / 20.0
    assert events[0] == ("sleep", pytest.approx(first)) and events[1] == ("text", texts[0])
    assert [kind for kind, _ in events[1:-1]] == ["text", *["sleep", "text"] * (len(texts) - 1)]
    assert events[-1][0] == "sleep" and float(events[-1][1]) > 0
    total = sum(float(value) for kind, value in events if kind == "sleep")
    assert total == pytest.approx(latency.seconds(done.usage.completion_tokens))
    assert done.usage.completion_tokens > count_tokens(content)  # the call is more than text

    events.clear()  # unstreamed: the same time, waited at once
    await model.complete(HELLO, tools=TOOLS, seed=1, metadata=meta)
    assert events == [("sleep", pytest.approx(total))]


async def test_streaming_is_of_one_choice(meta: dict[str, str], server: SimServer) -> None:
    with pytest.raises(ValueError, match="streaming \\(on_text\\) is of one choice, not n=2"):
        await SimModel(0.5).complete(HELLO, n=2, metadata=meta, on_text=print)
    async with OpenAIModel("sim/0.5", base_url=server.base_url) as model:
        with pytest.raises(ValueError, match="streaming \\(on_text\\) is of one choice, not n=3"):
            await model.complete(HELLO, n=3, metadata=meta, on_text=print)
    assert server.model("sim/0.5").calls == 0  # refused before any request


async def test_the_sim_drops_the_connection_after_the_first_piece(meta: dict[str, str]) -> None:
    got: list[str] = []
    model = SimModel(1.0, faults=Faults(disconnect=1.0))
    with pytest.raises(ModelError, match="dropped mid-answer") as err:
        await model.complete(HELLO, tools=TOOLS, metadata=meta, on_text=got.append)
    assert len(got) == 1 and not err.value.retryable
    with pytest.raises(ModelError, match="connection dropped") as err:
        await model.complete(HELLO, tools=TOOLS, metadata=meta)
    assert err.value.retryable  # no text was seen, so a retry is safe


# -- OpenAIModel against serve-sim ----------------------------------------------------------


async def test_the_openai_client_streams_from_serve_sim(
    meta: dict[str, str], server: SimServer
) -> None:
    history, calls = [*HELLO], []
    async with OpenAIModel("sim/0.8", base_url=server.base_url) as model:
        for _ in range(3):  # a few turns: bash calls, then the submit
            got: list[str] = []
            streamed = await model.complete(history, tools=TOOLS, seed=2, metadata=meta,
                                            on_text=got.append)  # fmt: skip
            plain = await model.complete(history, tools=TOOLS, seed=2, metadata=meta)
            local = await SimModel(0.8).complete(history, tools=TOOLS, seed=2, metadata=meta)
            message = streamed.choices[0].message
            assert message.content and got == pieces(message.content) and len(got) > 1
            assert same_answer(streamed, plain)
            assert streamed.choices == local.choices and streamed.usage == local.usage
            assert streamed.usage.completion_tokens > 0  # the usage chunk arrived
            [call] = message.tool_calls
            calls.append(call.arguments)
            history += [message, Message(role="tool", tool_call_id=call.id, content="1")]
    assert max(len(pieces(arguments)) for arguments in calls) > 1  # some came in pieces


async def test_a_fault_before_the_first_piece_is_retried(
    meta: dict[str, str], policy: RetryPolicy, delays: list[float]
) -> None:
    faults = Faults(server_error=0.5)
    seed = 0
    while not await _first_call_fails(faults, seed, meta):
        seed += 1
    with serve_in_thread(faults=faults) as server:
        async with OpenAIModel("sim/1", base_url=server.base_url, retry=policy) as model:
            got: list[str] = []
            done = await model.complete(HELLO, tools=TOOLS, seed=seed, metadata=meta,
                                        on_text=got.append)  # fmt: skip
    assert delays and "".join(got) == done.choices[0].message.content  # retried, text once


async def _first_call_fails(faults: Faults, seed: int, meta: dict[str, str]) -> bool:
    """Whether a fresh simulator meets a fault on this call (as serve-sim's first one will)."""
    try:
        await SimModel(1.0, faults=faults).complete(HELLO, tools=TOOLS, seed=seed, metadata=meta)
    except ModelError:
        return True
    return False


async def test_a_stream_cut_mid_answer_is_a_model_error_and_not_retried(
    meta: dict[str, str], policy: RetryPolicy, delays: list[float]
) -> None:
    with serve_in_thread(faults=Faults(disconnect=1.0)) as server:
        async with OpenAIModel("sim/1", base_url=server.base_url, retry=policy) as model:
            got: list[str] = []
            with pytest.raises(ModelError, match="broke off after text was handed over") as err:
                await model.complete(HELLO, tools=TOOLS, metadata=meta, on_text=got.append)
            assert not err.value.retryable and len(got) == 1 and not delays
            assert server.model("sim/1").calls == 1
            with pytest.raises(ModelError, match="gave up after 5 attempts") as err:
                await model.complete(HELLO, tools=TOOLS, metadata=meta)  # unstreamed: retried
            assert err.value.retryable and len(delays) == 4
