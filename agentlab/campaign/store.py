"""The campaign's SQLite store: one row per trial, keyed by its deterministic id (WAL mode).

A trial's trajectory file is written before its row says `finished`, so a crash between the
two only means the trial runs once more and overwrites the same file: nothing is duplicated.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, field_validator

from agentlab.types import Cost

SCHEMA = """
CREATE TABLE IF NOT EXISTS trials (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    strategy TEXT NOT NULL,
    model TEXT NOT NULL,
    seed INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    passed INTEGER,
    score REAL,
    end_reason TEXT,
    prompt_tokens INTEGER DEFAULT 0,
    completion_tokens INTEGER DEFAULT 0,
    cached_tokens INTEGER DEFAULT 0,
    usd REAL DEFAULT 0,
    flops REAL,
    sandbox_cpu_s REAL DEFAULT 0,
    sandbox_wall_s REAL DEFAULT 0,
    roles TEXT DEFAULT '{}',
    wall_s REAL,
    error TEXT,
    parent TEXT,
    from_step INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at REAL
);
"""
DONE = ("finished", "error")


class TrialRow(BaseModel):
    """A trial's row: what defines it, its outcome, and its cost (`roles`: the ledger by role;
    `usd` None when a model it used has no price, `flops` None when a parameter count is not
    known). A counterfactual names its `parent` trial and the step it continued `from_step`."""

    id: str
    task_id: str
    strategy: str
    model: str
    seed: int
    status: str = "pending"
    passed: bool | None = None
    score: float | None = None
    end_reason: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    usd: float | None = 0.0
    flops: float | None = None
    sandbox_cpu_s: float = 0.0
    sandbox_wall_s: float = 0.0
    roles: dict[str, Cost] = Field(default_factory=dict)
    wall_s: float | None = None
    error: str | None = None
    parent: str | None = None
    from_step: int | None = None
    attempts: int = 0

    @field_validator("roles", mode="before")
    @classmethod
    def _json(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value


class Store:
    """Opened per campaign directory; used from one thread (the campaign's event loop)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """Stores written before a column existed gain it (with its default) when opened."""
        have = {r["name"] for r in self.db.execute("PRAGMA table_info(trials)")}
        for line in SCHEMA.splitlines():
            name = line.strip().split(" ")[0]
            if name in TrialRow.model_fields and name not in have:
                self.db.execute(f"ALTER TABLE trials ADD COLUMN {line.strip().rstrip(',')}")

    def add(self, rows: list[TrialRow]) -> None:
        """Registers trials; ones already known keep their state."""
        now = time.time()
        with self.db:
            self.db.executemany(
                "INSERT OR IGNORE INTO trials (id, task_id, strategy, model, seed, parent, "
                "from_step, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (r.id, r.task_id, r.strategy, r.model, r.seed, r.parent, r.from_step, now)
                    for r in rows
                ],
            )

    def status(self) -> dict[str, str]:
        return {r["id"]: r["status"] for r in self.db.execute("SELECT id, status FROM trials")}

    def start(self, trial_id: str) -> None:
        with self.db:
            self.db.execute(
                "UPDATE trials SET status='running', attempts=attempts+1, updated_at=? WHERE id=?",
                (time.time(), trial_id),
            )

    def finish(self, trial_id: str, **fields: Any) -> None:
        """Records a trial's outcome (`status` finished or error, and its metrics)."""
        allowed = set(TrialRow.model_fields) - {"id"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"Store.finish: unknown fields {sorted(unknown)}")
        if "roles" in fields:
            fields["roles"] = json.dumps(
                {k: v.model_dump() for k, v in fields["roles"].items()}
            )
        columns = ", ".join(f"{k}=?" for k in fields)
        with self.db:
            self.db.execute(
                f"UPDATE trials SET {columns}, updated_at=? WHERE id=?",
                (*fields.values(), time.time(), trial_id),
            )

    def rows(self) -> list[TrialRow]:
        cursor = self.db.execute("SELECT * FROM trials ORDER BY task_id, strategy, model, seed")
        return [TrialRow.model_validate(dict(r)) for r in cursor]

    def close(self) -> None:
        self.db.close()
