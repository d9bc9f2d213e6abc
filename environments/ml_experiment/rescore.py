"""Scoring shared by the ml_experiment verifiers: run the agent's code on hidden data, rescale.

Each task's tests/rescore.py is a symlink to this file (the verifier's copy step copies the
target). It runs on the sandbox's python3, so it stays stdlib-only and Python 3.9 compatible.

The scale is RE-Bench's: normalized = (metric - start) / (reference - start), where `start` is
the metric of the task's starting code and `reference` that of its reference solution. It is 0
at the starting code and 1 at the reference whether higher or lower is better; times are
compared on a log scale. reward = clip(normalized, 0, 1), with the raw values kept next to it.

The agent's code never runs inside the verifier's process: `run` starts it on a fresh copy of
the workspace, with a clean environment, under coreutils `timeout`, and reads back only the file
it was asked to write. It runs as the same user as the verifier (the sandboxes give the
verifier no capability to switch users), so `verify` first reads the verifier's files and deletes
them (`seal`), before any of the agent's code runs.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import pickle
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence

MAX_OUTPUT_BYTES = 16 << 20
TAIL_CHARS = 1500
CALL_RUNNER = """
import importlib, json, pickle, sys
module, function, source, target = sys.argv[1:]
with open(source, "rb") as f:
    args = pickle.load(f)
result = getattr(importlib.import_module(module), function)(*args)
with open(target, "w") as f:
    json.dump(result, f, default=lambda value: value.tolist())
"""


class RunError(Exception):
    """The agent's code timed out, crashed or gave no usable output: the reward is 0."""


class Measurement(NamedTuple):
    """A metric with the starting code's and the reference solution's values of it."""

    metric: float
    start: float
    reference: float


class Run(NamedTuple):
    """What `run` gives back: the program's wall time and the bytes of its output file."""

    seconds: float
    output: bytes


class Called(NamedTuple):
    """What `call` gives back: the function's result, decoded from JSON, and the wall time."""

    value: Any
    seconds: float


def normalize(metric: float, start: float, reference: float) -> float:
    """(metric - start) / (reference - start): 0 at the starting code, 1 at the reference."""
    if reference == start:
        raise ValueError(f"start and reference are both {start}: the scale is undefined")
    return (metric - start) / (reference - start)


def log_time_score(seconds: float, start: float, reference: float) -> float:
    """log(start / seconds) / log(start / reference): `normalize` on log times."""
    return normalize(math.log(seconds), math.log(start), math.log(reference))


def reward_record(measured: Measurement, log_scale: bool = False) -> Dict[str, float]:
    """What reward.json holds: the clipped reward, the raw normalized score, the three values."""
    raw = (log_time_score if log_scale else normalize)(*measured)
    return {
        "reward": min(max(raw, 0.0), 1.0),
        "score_raw": raw,
        "metric": measured.metric,
        "start": measured.start,
        "reference": measured.reference,
    }


def write_reward(record: Mapping[str, float]) -> None:
    folder = Path(os.environ.get("AGENTLAB_VERIFIER_DIR", "."))
    (folder / "reward.json").write_text(json.dumps(record) + "\n")


def verify(
    evaluate: Callable[[Dict[str, bytes]], Measurement], log_scale: bool = False
) -> Dict[str, float]:
    """Writes reward.json from `evaluate(hidden files)`; a RunError gives 0 with its reason.

    The hidden files are sealed (see `seal`) before `evaluate` runs any of the agent's code.
    """
    write_reward({"reward": 0.0})  # stands if the verifier itself dies
    try:
        measured = evaluate(seal())
    except RunError as exc:
        print(f"reward 0: {exc}")
        record = {"reward": 0.0}
    else:
        record = reward_record(measured, log_scale)
        print(
            f"metric {measured.metric:.6g} (start {measured.start:.6g}, reference "
            f"{measured.reference:.6g}): score {record['score_raw']:.4f}, "
            f"reward {record['reward']:.4f}"
        )
    write_reward(record)
    return record


def workspace() -> Path:
    """The agent's workspace, where the verifier runs."""
    return Path(os.environ.get("AGENTLAB_WORKSPACE") or os.getcwd())


def seal() -> Dict[str, bytes]:
    """The verifier's files ($AGENTLAB_TESTS_DIR) by relative path, read and then deleted.

    Deleting them keeps the hidden seeds, data and code from the agent's code, which runs as the
    same user. Only a sandbox's copy is deleted, recognised by a test.sh next to a rescore.py
    that is a regular file: in the repository rescore.py is a symlink.
    """
    folder = os.environ.get("AGENTLAB_TESTS_DIR")
    if not folder:
        return {}
    here = Path(folder)
    files = {p.relative_to(here).as_posix(): p.read_bytes() for p in here.rglob("*") if p.is_file()}
    module = here / "rescore.py"
    if (here / "test.sh").is_file() and module.is_file() and not module.is_symlink():
        shutil.rmtree(here, ignore_errors=True)
    return files


def run(
    argv: Sequence[str],
    *,
    timeout: float,
    output: str,
    inputs: Optional[Mapping[str, bytes]] = None,
    source: Optional[Path] = None,
    files: Optional[Mapping[str, bytes]] = None,
    label: str = "",
) -> Run:
    """Runs `argv` on a fresh copy of `source` plus `files` and returns what it wrote to `output`.

    `{io}` in `argv` stands for a folder holding `inputs`, where `output` is expected. The
    command runs with a clean environment under `timeout` seconds of coreutils timeout; what it
    leaves running is killed. Its wall time includes the interpreter's start, the same for every
    program compared. Errors name it by `label` (default: the command).
    """
    root = Path(tempfile.mkdtemp(prefix="ml-run-"))
    try:
        work, io_dir = root / "work", root / "io"
        if source is not None:
            shutil.copytree(source, work, symlinks=True)
        work.mkdir(exist_ok=True)
        io_dir.mkdir()
        for name, data in (files or {}).items():
            (work / name).write_bytes(data)
        for name, data in (inputs or {}).items():
            (io_dir / name).write_bytes(data)
        command = [a.replace("{io}", str(io_dir)) for a in argv]
        seconds = _timed(command, work, root, timeout, label or " ".join(argv))
        return Run(seconds, _read_output(io_dir / output))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def call(
    module: str,
    function: str,
    args: Sequence[Any],
    *,
    timeout: float,
    source: Optional[Path] = None,
    files: Optional[Mapping[str, bytes]] = None,
) -> Called:
    """`module.function(*args)`, run by `run` in a python3 of its own.

    The arguments travel pickled (lists, numbers, numpy arrays); the result comes back as JSON,
    arrays as lists, so nothing the agent's code returns is ever unpickled here.
    """
    done = run(
        ["python3", "-c", CALL_RUNNER, module, function, "{io}/args.pickle", "{io}/result.json"],
        timeout=timeout,
        output="result.json",
        inputs={"args.pickle": pickle.dumps(list(args))},
        source=source,
        files=files,
        label=f"{module}.{function}",
    )
    try:
        return Called(json.loads(done.output), done.seconds)
    except ValueError as exc:
        raise RunError(f"{module}.{function} returned something that is not JSON: {exc}") from None


def _timed(command: List[str], cwd: Path, root: Path, timeout: float, label: str) -> float:
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(cwd),
        "TMPDIR": str(root),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }
    with open(root / "stdout", "wb") as out, open(root / "stderr", "wb") as err:
        started = time.monotonic()
        proc = subprocess.Popen(
            ["timeout", "--kill-after=2", f"{timeout:g}", *command],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        code = proc.wait()
        seconds = time.monotonic() - started
    try:  # timeout leads its own process group: end what the program left behind
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if code == 124 or seconds >= timeout:
        raise RunError(f"{label} timed out after {timeout:g} s")
    if code != 0:
        tail = (root / "stderr").read_text(errors="replace")[-TAIL_CHARS:]
        raise RunError(f"{label} exited {code}:\n{tail}")
    return seconds


def _read_output(path: Path) -> bytes:
    """The output file's bytes; never through a symlink, never more than MAX_OUTPUT_BYTES."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise RunError(f"the program wrote no {path.name}") from None
    except OSError as exc:
        raise RunError(f"cannot read {path.name} (a symlink?): {exc}") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise RunError(f"{path.name} is not a regular file")
        data = f.read(MAX_OUTPUT_BYTES + 1)
    if len(data) > MAX_OUTPUT_BYTES:
        raise RunError(f"{path.name} is over {MAX_OUTPUT_BYTES} bytes")
    return data


def predict_csv(
    argv: Sequence[str], train: bytes, test: bytes, key: str, column: str, *, timeout: float
) -> List[str]:
    """Predictions of a command-line entry point, in the order of the test rows' `key`s.

    `argv` names its files as {io}/train.csv and {io}/test.csv (given) and {io}/predictions.csv
    (a CSV it writes, with columns `key` and `column`).
    """
    done = run(
        argv,
        timeout=timeout,
        output="predictions.csv",
        inputs={"train.csv": train, "test.csv": test},
        source=workspace(),
    )
    found = {}
    for row in _rows(done.output):
        if row.get(key) is not None and row.get(column) is not None:
            found[row[key]] = row[column]
    keys = [row[key] for row in _rows(test)]
    missing = [k for k in keys if k not in found]
    if missing:
        raise RunError(
            f"predictions.csv has no {column} for {len(missing)} rows, e.g. {missing[0]}"
        )
    return [found[k] for k in keys]


def _rows(data: bytes) -> List[Dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8", errors="replace"))))


def numbers(predicted: Any, count: int) -> List[float]:
    """`predicted` as `count` finite floats, or a RunError saying what is wrong with it."""
    if not isinstance(predicted, list) or len(predicted) != count:
        size = len(predicted) if isinstance(predicted, list) else type(predicted).__name__
        raise RunError(f"expected a list of {count} predictions, got {size}")
    values = []
    for value in predicted:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise RunError(f"prediction {value!r} is not a number") from None
        if not math.isfinite(number):
            raise RunError(f"prediction {value!r} is not finite")
        values.append(number)
    return values


def accuracy(predicted: Any, truth: Sequence[float]) -> float:
    """The share of `predicted` equal to `truth`, compared as numbers."""
    hits = sum(p == t for p, t in zip(numbers(predicted, len(truth)), truth))
    return hits / len(truth)


def rmse(predicted: Any, truth: Sequence[float]) -> float:
    errors = [(p - t) ** 2 for p, t in zip(numbers(predicted, len(truth)), truth)]
    return math.sqrt(sum(errors) / len(truth))
