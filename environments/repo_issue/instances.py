"""SWE-bench instance rows and prediction files, read and written with errors that name the line.

Rows follow the official dataset, as JSONL, a JSON array or parquet: FAIL_TO_PASS and
PASS_TO_PASS may be JSON-encoded strings (as in the published files) or lists. Predictions are
JSONL lines of {"instance_id", "model_name_or_path", "model_patch"}.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agentlab.tasks import TaskFormatError, describe_errors

M = TypeVar("M", bound=BaseModel)


class Instance(BaseModel):
    """One SWE-bench task instance (extra official fields are kept, not required)."""

    model_config = ConfigDict(extra="allow")

    instance_id: str
    repo: str
    base_commit: str
    patch: str = Field(description="the gold patch")
    test_patch: str
    problem_statement: str = ""
    version: str = ""
    environment_setup_commit: str = ""
    FAIL_TO_PASS: list[str]
    PASS_TO_PASS: list[str]

    @field_validator("FAIL_TO_PASS", "PASS_TO_PASS", mode="before")
    @classmethod
    def _decode(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class Prediction(BaseModel):
    instance_id: str
    model_name_or_path: str
    model_patch: str | None = Field(description="None when the model produced no patch")


def _validate(path: Path, rows: Iterable[tuple[int, Any]], model: type[M], unit: str) -> list[M]:
    items = []
    for number, row in rows:
        try:
            items.append(model.model_validate(row))
        except ValidationError as exc:
            raise TaskFormatError(f"{path}:{unit}{number}: {describe_errors(exc)}") from exc
    return items


def _jsonl_rows(path: Path) -> list[tuple[int, Any]]:
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.strip():
            try:
                rows.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise TaskFormatError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
    return rows


def _numbered_rows(path: Path) -> list[tuple[int, Any]]:
    if path.suffix == ".parquet":
        try:
            import pyarrow.parquet
        except ImportError:
            raise TaskFormatError(
                f"{path}: reading parquet needs pyarrow (pip install 'agentlab[parquet]')"
            ) from None
        try:
            table = pyarrow.parquet.read_table(path)
        except (OSError, ValueError) as exc:
            raise TaskFormatError(f"{path}: not a readable parquet file ({exc})") from exc
        return list(enumerate(table.to_pylist()))
    if path.suffix == ".json":
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise TaskFormatError(f"{path}: not valid JSON ({exc})") from exc
        if not isinstance(data, list):
            raise TaskFormatError(f"{path}: expected a JSON array of instances")
        return list(enumerate(data))
    return _jsonl_rows(path)


def read_instances(path: Path) -> list[Instance]:
    """SWE-bench rows from a JSONL, JSON or parquet file (errors name the line or row)."""
    unit = "row " if path.suffix in (".json", ".parquet") else ""
    instances = _validate(path, _numbered_rows(path), Instance, unit)
    _refuse_duplicates(path, [i.instance_id for i in instances])
    return instances


def read_predictions(path: Path) -> list[Prediction]:
    predictions = _validate(path, _jsonl_rows(path), Prediction, "")
    _refuse_duplicates(path, [p.instance_id for p in predictions])
    return predictions


def write_predictions(path: Path, predictions: Iterable[Prediction]) -> None:
    path.write_text("".join(p.model_dump_json() + "\n" for p in predictions))


def _refuse_duplicates(path: Path, ids: list[str]) -> None:
    seen: set[str] = set()
    for instance_id in ids:
        if instance_id in seen:
            raise TaskFormatError(f"{path}: instance_id {instance_id!r} appears twice")
        seen.add(instance_id)
