"""The simulated model: oracle-driven, seeded, identical in-process and over HTTP."""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.request
from pathlib import Path

import openai
import pytest

from agentlab.models.base import ModelError
from agentlab.models.sim import Faults, SimModel, split_steps
from agentlab.models.sim_server import serve_in_thread, to_message
from agentlab.types import Message, ToolCall

TOOLS = [
    {"type": "function", "function": {"name": name, "description": name, "parameters": {
        "type": "object", "properties": {key: {"type": "string"}}, "required": [key]}}}
    for name, key in (("bash", "command"), ("submit", "answer"))
]  # fmt: skip
SOLVE = "#!/bin/bash\n# make the data\nmkdir -p out\necho 1 > out/a\n\n# count it\nls out | wc -l\n"


@pytest.fixture
def task_dir(tmp_path: Path) -> str:
    folder = tmp_path / "count-files"
    (folder / "solution").mkdir(parents=True)
    (folder / "task.toml").write_text('difficulty = "medium"\n[agent]\nwants_answer = true\n')
    (folder / "instruction.md").write_text("How many files are in out/?")
    (folder / "solution" / "solve.sh").write_text(SOLVE)
    return str(folder)


def start(task_dir: str) -> list[Message]:
    return [Message(role="user", content=f"Solve the task in {task_dir}.")]


def test_oracle_steps_are_paragraphs_that_bash_parses_whole() -> None:
    assert split_steps(SOLVE) == ("# make the data\nmkdir -p out\necho 1 > out/a",
                                  "# count it\nls out | wc -l")  # fmt: skip
    script = "cat > f.sh <<'EOF'\n#!/bin/bash\n\necho hi\nEOF\n\n# just a note\n\nchmod +x f.sh\n"
    assert split_steps(script) == ("cat > f.sh <<'EOF'\n#!/bin/bash\n\necho hi\nEOF",
                                   "chmod +x f.sh")  # fmt: skip


async def test_a_perfect_model_follows_the_oracle_and_submits_the_last_output(
    task_dir: str,
) -> None:
    sim, meta, messages = SimModel(1.0), {"task_dir": task_dir}, start(task_dir)
    for step in split_steps(SOLVE):
        reply = (await sim.complete(messages, tools=TOOLS, seed=3, metadata=meta)).choices[0]
        [call] = reply.message.tool_calls
        assert (call.name, json.loads(call.arguments)) == ("bash", {"command": step})
        messages += [reply.message, Message(role="tool", tool_call_id=call.id,
                                            content="1\n[exit code 0]")]  # fmt: skip
    final = (await sim.complete(messages, tools=TOOLS, seed=3, metadata=meta)).choices[0]
    assert final.message.tool_calls[0].name == "submit"
    assert json.loads(final.message.tool_calls[0].arguments) == {"answer": "1"}


async def test_the_same_call_gives_the_same_answer(task_dir: str) -> None:
    sim, meta = SimModel(0.5), {"task_dir": task_dir}
    first = await sim.complete(start(task_dir), tools=TOOLS, n=4, seed=11, metadata=meta)
    again = await sim.complete(start(task_dir), tools=TOOLS, n=4, seed=11, metadata=meta)
    assert first.choices == again.choices and first.usage == again.usage
    assert len({c.message.tool_calls[0].id for c in first.choices}) == 4


@pytest.mark.parametrize(("skill", "difficulty"), [(0.6, "medium"), (0.6, "hard"), (0.9, "easy")])
async def test_the_oracle_step_rate_is_skill_to_the_difficulty_weight(
    task_dir: str, skill: float, difficulty: str
) -> None:
    toml = Path(task_dir) / "task.toml"
    toml.write_text(f'difficulty = "{difficulty}"\n')
    from agentlab.models.sim import load_oracle

    load_oracle.cache_clear()
    sim, meta, seeds = SimModel(skill), {"task_dir": task_dir}, range(2000)
    oracle_step = split_steps(SOLVE)[0]
    hits = 0
    for seed in seeds:
        call = await sim.complete(start(task_dir), tools=TOOLS, seed=seed, metadata=meta)
        args = json.loads(call.choices[0].message.tool_calls[0].arguments)
        hits += args.get("command") == oracle_step
    p = sim.step_probability(difficulty)
    assert abs(hits / len(seeds) - p) < 4 * math.sqrt(p * (1 - p) / len(seeds))


async def test_usage_counts_prompt_completion_and_the_cached_prefix(task_dir: str) -> None:
    sim, meta = SimModel(1.0), {"task_dir": task_dir}
    first = await sim.complete(start(task_dir), tools=TOOLS, seed=1, metadata=meta)
    assert first.usage.prompt_tokens > 0 and first.usage.completion_tokens > 0
    assert first.usage.cached_tokens == 0
    call = first.choices[0].message
    history = [*start(task_dir), call, Message(role="tool", tool_call_id="x", content="ok")]
    second = await sim.complete(history, tools=TOOLS, seed=1, metadata=meta)
    assert 0 < second.usage.cached_tokens < second.usage.prompt_tokens


async def test_faults_and_bad_calls_raise_model_errors(task_dir: str) -> None:
    meta = {"task_dir": task_dir}
    with pytest.raises(ModelError) as err:
        await SimModel(0.5, faults=Faults(rate_limit=1.0)).complete(start(task_dir), metadata=meta)
    assert (err.value.status, err.value.retryable, err.value.retry_after) == (429, True, 1.0)
    broken = await SimModel(1.0, faults=Faults(malformed_json=1.0)).complete(
        start(task_dir), tools=TOOLS, metadata=meta)  # fmt: skip
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken.choices[0].message.tool_calls[0].arguments)
    with pytest.raises(ModelError, match="metadata\\['task_dir'\\]"):
        await SimModel(0.5).complete(start(task_dir))
    with pytest.raises(ValueError, match="skill must be between 0 and 1"):
        SimModel(1.5)


async def test_serve_sim_answers_the_openai_sdk_exactly_as_in_process(task_dir: str) -> None:
    sim, meta = SimModel(0.7), {"task_dir": task_dir}
    messages = [*start(task_dir), Message(role="assistant", content="Let me look.", tool_calls=[
        ToolCall(id="call_1", name="bash", arguments='{"command": "ls"}')]),
        Message(role="tool", tool_call_id="call_1", content="out\n[exit code 0]")]  # fmt: skip
    local = await sim.complete(messages, tools=TOOLS, n=3, seed=5, metadata=meta)
    with serve_in_thread() as server:
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="unused", max_retries=0)
        wire = [m.model_dump(exclude_none=True, exclude={"tool_calls"}) | (
            {"tool_calls": [{"id": c.id, "type": "function", "function": {
                "name": c.name, "arguments": c.arguments}} for c in m.tool_calls]}
            if m.tool_calls else {}) for m in messages]  # fmt: skip
        remote = await client.chat.completions.create(
            model="sim/0.7",
            messages=wire,
            tools=TOOLS,
            n=3,
            seed=5,
            metadata=meta,  # type: ignore[arg-type]
        )
        await client.close()
    got = [to_message(c.message.model_dump()) for c in remote.choices]
    assert got == [c.message for c in local.choices]
    assert remote.usage is not None and remote.usage.prompt_tokens == local.usage.prompt_tokens
    details = remote.usage.prompt_tokens_details
    assert details is not None and details.cached_tokens == local.usage.cached_tokens


def test_serve_sim_turns_faults_into_http_errors(task_dir: str) -> None:
    body = json.dumps({"model": "sim/0.5", "messages": [{"role": "user", "content": "hi"}],
                       "metadata": {"task_dir": task_dir}}).encode()  # fmt: skip
    with serve_in_thread(faults=Faults(rate_limit=1.0)) as server:
        request = urllib.request.Request(f"{server.base_url}/chat/completions", data=body,
                                         headers={"Content-Type": "application/json"})  # fmt: skip
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=10)
    assert err.value.code == 429 and err.value.headers["Retry-After"] == "1"
    assert json.loads(err.value.read())["error"]["code"] == "rate_limit_exceeded"


async def test_faults_are_transient_so_a_retry_can_succeed(task_dir: str) -> None:
    sim, meta = SimModel(1.0, faults=Faults(server_error=0.5)), {"task_dir": task_dir}
    outcomes = []
    for _ in range(20):  # the same request, retried
        try:
            await sim.complete(start(task_dir), tools=TOOLS, seed=1, metadata=meta)
            outcomes.append("ok")
        except ModelError:
            outcomes.append("500")
    assert {"ok", "500"} <= set(outcomes)
    again = SimModel(1.0, faults=Faults(server_error=0.5))
    replay = []
    for _ in range(20):
        try:
            await again.complete(start(task_dir), tools=TOOLS, seed=1, metadata=meta)
            replay.append("ok")
        except ModelError:
            replay.append("500")
    assert replay == outcomes  # still reproducible from a fresh simulator
