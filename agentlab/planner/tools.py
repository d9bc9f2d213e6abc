"""The sandbox tools a plan's nodes call: `shell` (stdout as the node's output, a failing
command fails the node) and the file tools. The dag strategy plans with them, and a replay of
a dag trial runs its nodes again with them."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from agentlab.sandbox.base import Sandbox
from agentlab.tools import Tool, ToolError, default_tools, tool
from agentlab.tools.shell import MAX_STREAM_BYTES

PLANNED_TOOLS = ("read_file", "write_file", "str_replace", "apply_patch")


@tool
async def shell(
    sandbox: Sandbox,
    command: Annotated[str, "the command; runs with `bash -c` in the workspace"],
    timeout: Annotated[int, Field(ge=1, le=600, description="seconds before it is killed")] = 120,
) -> str:
    """Run a bash command in the workspace. Its output is the command's stdout, which is what a
    later node's `$N` receives; a non-zero exit fails the node, with the end of its stderr."""
    result = await sandbox.exec(command, timeout=timeout, max_output=MAX_STREAM_BYTES)
    if result.timed_out:
        raise ToolError(f"timed out after {timeout}s")
    if not result.ok:
        raise ToolError(f"exit code {result.exit_code}: {result.stderr.strip()[-1000:]}")
    return result.stdout.rstrip("\n")


def planned_tools() -> dict[str, Tool]:
    """The tools a plan may call in the task's sandbox, by name."""
    box = default_tools()
    return {"shell": shell} | {name: box.tools[name] for name in PLANNED_TOOLS}
