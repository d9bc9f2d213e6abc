"""The Sandbox protocol, checked identically on local processes and Docker containers."""

from __future__ import annotations

import asyncio

import pytest

from agentlab.cost import Ledger, PriceTable, metering, role
from agentlab.sandbox.base import Sandbox


async def test_exit_code_and_separate_streams(sandbox: Sandbox) -> None:
    result = await sandbox.exec("echo out; echo err >&2; exit 3")
    assert (result.exit_code, result.stdout, result.stderr) == (3, "out\n", "err\n")
    assert not result.timed_out and not result.truncated


async def test_a_commands_cpu_seconds_are_measured_and_charged_to_the_trial(
    sandbox: Sandbox,
) -> None:
    spin = "import time; t = time.process_time()\nwhile time.process_time() - t < 0.3: pass"
    busy = f"python3 -c '{spin}'"
    ledger = Ledger(PriceTable.pinned())
    with metering(ledger), role("verifier"):
        result = await sandbox.exec(busy)
        idle = await sandbox.exec("sleep 0.2")
    assert result.ok and result.cpu_s >= 0.3
    assert idle.cpu_s < 0.1 <= idle.duration_s
    spent = ledger.by_role["verifier"]
    assert spent.sandbox_cpu_s == result.cpu_s + idle.cpu_s
    assert spent.sandbox_wall_s >= result.duration_s + idle.duration_s


async def test_cwd_env_and_stdin_apply_per_call(sandbox: Sandbox) -> None:
    await sandbox.exec("mkdir -p sub/dir")
    result = await sandbox.exec(
        "pwd; echo $GREETING; cat", cwd="sub/dir", env={"GREETING": "hello"}, stdin="from stdin"
    )
    assert result.stdout.splitlines() == [f"{sandbox.workspace}/sub/dir", "hello", "from stdin"]
    plain = await sandbox.exec("pwd; echo ${GREETING:-unset}")
    assert plain.stdout.splitlines() == [sandbox.workspace, "unset"]


async def test_timeout_kills_the_process_group_and_the_sandbox_stays_usable(
    sandbox: Sandbox,
) -> None:
    result = await sandbox.exec("sleep 300 & echo $! > bg.pid; sleep 300", timeout=1)
    assert result.timed_out
    assert result.exit_code == 137
    survivor = await sandbox.exec("kill -0 $(cat bg.pid) 2>/dev/null && echo alive || echo gone")
    assert survivor.stdout.strip() == "gone"
    assert (await sandbox.exec("echo still here")).stdout == "still here\n"


async def test_a_100mb_flood_keeps_head_and_tail_only(sandbox: Sandbox) -> None:
    cmd = "echo FIRST; head -c 100000000 /dev/zero | tr '\\0' x; echo; echo LAST"
    result = await sandbox.exec(cmd, max_output=64 * 1024, timeout=120)
    assert result.truncated
    assert result.stdout.startswith("FIRST\n")
    assert result.stdout.endswith("LAST\n")
    assert "bytes truncated" in result.stdout
    assert len(result.stdout) < 64 * 1024 + 200


async def test_background_children_do_not_hold_a_finished_command(sandbox: Sandbox) -> None:
    result = await sandbox.exec("sleep 300 & echo started", timeout=30)
    assert result.stdout == "started\n"
    assert not result.timed_out


async def test_files_are_binary_safe_and_size_limited(sandbox: Sandbox) -> None:
    data = bytes(range(256)) * 1000
    await sandbox.write_file("deep/dir/blob.bin", data, mode=0o600)
    assert await sandbox.read_file("deep/dir/blob.bin") == data
    assert (await sandbox.exec("stat -c %a deep/dir/blob.bin")).stdout.strip() == "600"
    with pytest.raises(ValueError, match="over the 100-byte limit"):
        await sandbox.read_file("deep/dir/blob.bin", max_bytes=100)
    with pytest.raises(FileNotFoundError):
        await sandbox.read_file("missing.txt")


async def test_parallel_commands_in_one_sandbox(sandbox: Sandbox) -> None:
    results = await asyncio.gather(*(sandbox.exec(f"echo {i}") for i in range(16)))
    assert [r.stdout for r in results] == [f"{i}\n" for i in range(16)]


async def _tree(sandbox: Sandbox) -> str:
    cmd = "find . -printf '%p %y %m %s\\n' | sort; find . -type f | sort | xargs -r md5sum"
    return (await sandbox.exec(cmd)).stdout


async def test_restore_brings_back_exactly_the_snapshot(sandbox: Sandbox) -> None:
    setup = (
        "mkdir -p src/pkg empty && for i in $(seq 200); do echo $i > src/pkg/f$i.txt; done && "
        "echo keep > keep.txt && chmod 640 keep.txt && ln -s keep.txt link"
    )
    assert (await sandbox.exec(setup)).ok
    before = await _tree(sandbox)
    ref = await sandbox.snapshot()
    change = (
        "rm -rf src/pkg/f1*.txt empty && echo changed > keep.txt && chmod 777 keep.txt && "
        "echo new > new.txt && mkdir -p made/deeper && rm link && ln -s new.txt link && "
        "rm src/pkg/f2.txt && mkdir src/pkg/f2.txt"
    )
    assert (await sandbox.exec(change)).ok
    assert await _tree(sandbox) != before
    await sandbox.restore(ref)
    assert await _tree(sandbox) == before
    await sandbox.exec("echo again > keep.txt")
    await sandbox.restore(ref)
    assert await _tree(sandbox) == before


async def test_later_snapshots_do_not_change_earlier_ones(sandbox: Sandbox) -> None:
    await sandbox.exec("echo one > f.txt")
    first = await sandbox.snapshot()
    await sandbox.exec("echo two >> f.txt")
    second = await sandbox.snapshot()
    await sandbox.exec("echo three > f.txt")
    await sandbox.restore(first)
    assert (await sandbox.read_file("f.txt")) == b"one\n"
    await sandbox.restore(second)
    assert (await sandbox.read_file("f.txt")) == b"one\ntwo\n"


async def test_fork_starts_from_the_snapshot_and_diverges(sandbox: Sandbox) -> None:
    await sandbox.exec("echo base > state.txt")
    ref = await sandbox.snapshot()
    await sandbox.exec("echo parent-moved-on > state.txt")
    child = await sandbox.fork(ref)
    try:
        assert child.id != sandbox.id
        assert await child.read_file("state.txt") == b"base\n"
        await child.exec("echo child > state.txt")
        assert await sandbox.read_file("state.txt") == b"parent-moved-on\n"
    finally:
        await child.close()
