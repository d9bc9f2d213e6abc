"""What both importers share: reading a source file, its exit status, message text."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from agentlab.tasks import describe_errors
from agentlab.trajectory import TrajectoryFormatError
from agentlab.types import EndReason

M = TypeVar("M", bound=BaseModel)

STATS = "model_stats"  # the key of the file's own totals in one model_call step's outputs

_END_REASONS: dict[str, EndReason] = {
    "submitted": "submitted",
    "exit_cost": "budget",  # SWE-agent's names
    "exit_context": "budget",
    "exit_command_timeout": "timeout",
    "exit_total_execution_time": "timeout",
    "exit_format": "model_error",
    "exit_api": "model_error",
    "exit_error": "env_error",
    "exit_environment_error": "env_error",
    "limitsexceeded": "budget",  # mini-swe-agent's (the name of the exception that ended it)
    "timeoutexpired": "timeout",
    "formaterror": "model_error",
}


def read(path: Path, model: type[M]) -> tuple[M, str]:
    """The file validated as `model`, and a digest of its bytes (the imported trial's id: the
    same file imported twice is the same trial)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TrajectoryFormatError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    try:
        raw = json.loads(data)
    except ValueError as exc:
        message = f"{path}: not valid JSON, truncated or corrupt ({exc})"
        raise TrajectoryFormatError(message) from exc
    if not isinstance(raw, dict):
        raise TrajectoryFormatError(f"{path}: expected a JSON object, got {type(raw).__name__}")
    try:
        parsed = model.model_validate(raw)
    except ValidationError as exc:
        raise TrajectoryFormatError(f"{path}: {describe_errors(exc)}") from exc
    return parsed, hashlib.sha256(data).hexdigest()[:16]


def end_reason(status: str | None) -> EndReason | None:
    """agentlab's end reason for an exit status; SWE-agent's `submitted (exit_cost)` (submitted
    automatically when a limit hit) ends for that limit. None: not one we know."""
    if status is None:
        return None
    forced = re.fullmatch(r"submitted \((\w+)\)", status)
    return _END_REASONS.get((forced.group(1) if forced else status).lower())


def exit_error(source: str, status: str | None) -> str | None:
    """The exit status as the file gives it, kept as the trajectory's `error` unless it is a
    plain submission, so nothing the file said about its end is lost."""
    if status is not None and status.lower() == "submitted":
        return None
    return f"{source} exit status {status!r}"


def text(content: str | list[dict[str, Any]] | None) -> str | None:
    """A message's text: content given as a list of parts (cache-control style) joined."""
    if content is None or isinstance(content, str):
        return content
    return "".join(str(part.get("text", "")) for part in content)
