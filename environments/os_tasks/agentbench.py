"""Imports AgentBench OS-interaction items (JSON or JSONL) as task directories.

Each item becomes `agentbench-<file>-<index>`: `create.init` becomes environment/setup.sh (its
`start` command runs there in the background), `evaluation.match` or `evaluation.check`
becomes tests/, and `example` becomes solution/solve.sh. Two interpretations keep the items
faithful to what their authors meant:

- An init that ends in `su - USER` makes USER the agent's user, in USER's home; AgentBench runs
  init in a separate `bash -c`, where that trailing `su` has no effect and `~/...` questions
  become unanswerable.
- Examples run under /bin/sh (dash on Debian), whose `echo` expands `\\n` as the examples
  expect; under bash they write literal backslashes.

Items administer users, setuid programs and packages, so they get Docker's default capability
set and may gain privileges (sudo). Packages they `apt install` are made installable offline.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from pathlib import Path
from typing import Any

from agentlab.tasks import TaskFormatError, imported_dir, load_task, write_task_toml
from agentlab.types import Task

DEFAULT_CAPS = [
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "SYS_CHROOT",
    "AUDIT_WRITE",
    "SETFCAP",
]
_TRAILING_SU = re.compile(r"\s*&&\s*su\s+-\s+([a-z_][a-z0-9_-]*)\s*$")
_APT_INSTALL = re.compile(
    r"\bapt(?:-get)?[ \t]+(?:-\S+[ \t]+)*install\b((?:[ \t]+(?:-\S+|[a-z0-9][a-z0-9+.-]*))+)"
)

CHECK_RUNNER = r"""#!/bin/bash
# Runs the AgentBench check scripts in order: each gets the agent's answer, then the outputs
# of the scripts before it, as arguments; any failure fails the task.
cd "$AGENTLAB_WORKSPACE" || exit 0
echo 0 > "$AGENTLAB_VERIFIER_DIR/reward.txt"
args=("$(cat "$AGENTLAB_ANSWER_FILE")")
for check in "$AGENTLAB_TESTS_DIR"/check_*; do
  case "$check" in
    *.py) out=$(python3 "$check" "${args[@]}") || exit 0 ;;
    *) out=$(bash "$check" "${args[@]}") || exit 0 ;;
  esac
  args+=("$out")
done
echo 1 > "$AGENTLAB_VERIFIER_DIR/reward.txt"
"""

MATCH_RUNNER = r"""#!/bin/bash
# Compares the agent's answer with the expected one (exact after stripping, or a regex).
python3 - "$AGENTLAB_TESTS_DIR/match.json" "$AGENTLAB_ANSWER_FILE" \
    > "$AGENTLAB_VERIFIER_DIR/reward.txt" <<'PY'
import json, re, sys
spec = json.load(open(sys.argv[1]))
answer = open(sys.argv[2]).read()
if "regex" in spec:
    ok = re.search(spec["regex"], answer) is not None
else:
    ok = (answer.strip() if spec.get("strip", True) else answer) == spec["answer"]
print(1 if ok else 0)
PY
"""


def import_agentbench(path: Path) -> list[Task] | None:
    """Tasks for an AgentBench OS file, or None when `path` is not one."""
    items = _read_items(path)
    if items is None:
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    out = imported_dir("agentbench", digest, lambda staging: write_tasks(path, items, staging))
    return [load_task(d) for d in sorted(p for p in out.iterdir() if p.is_dir())]


def _read_items(path: Path) -> list[dict[str, Any]] | None:
    if path.suffix not in (".json", ".jsonl"):
        return None
    try:
        text = path.read_text()
        data = (
            [json.loads(line) for line in text.splitlines() if line.strip()]
            if path.suffix == ".jsonl"
            else json.loads(text)
        )
    except (ValueError, UnicodeDecodeError):
        return None
    items = data if isinstance(data, list) else [data]
    looks_right = all(
        isinstance(i, dict) and "description" in i and "evaluation" in i for i in items
    )
    return items if items and looks_right else None


def write_tasks(source: Path, items: list[dict[str, Any]], out: Path) -> list[Path]:
    """Writes one task directory per item under `out`; errors name the file and the item."""
    stem = re.sub(r"[^A-Za-z0-9-]+", "-", source.stem).strip("-") or "items"
    dirs = []
    for index, item in enumerate(items):
        where = f"{source} item {index}"
        try:
            dirs.append(_write_task(item, out / f"agentbench-{stem}-{index:03d}", source))
        except (KeyError, TypeError, ValueError) as exc:
            raise TaskFormatError(f"{where}: {exc}") from exc
    return dirs


def _script(obj: Any, base: Path, field: str) -> tuple[str, str]:
    """(language, code) of an AgentBench script object: a string, or {language, code|file}."""
    if isinstance(obj, str):
        return "bash", obj
    if isinstance(obj, dict):
        language = obj.get("language", "bash")
        if language not in ("bash", "python"):
            raise ValueError(f"field '{field}': language {language!r} is not supported")
        if "code" in obj:
            return language, str(obj["code"])
        if "file" in obj:
            return language, (base / str(obj["file"])).read_text()
    raise ValueError(f"field '{field}': expected a string or an object with code or file")


def _write_task(item: dict[str, Any], folder: Path, source: Path) -> Path:
    base = source.parent
    create = item.get("create") or {}
    evaluation = item["evaluation"]
    inits = create.get("init") or []
    inits = inits if isinstance(inits, list) else [inits]
    setup = [_script(s, base, "create.init") for s in inits]
    user = None
    if setup and setup[-1][0] == "bash":
        match = _TRAILING_SU.search(setup[-1][1])
        if match:
            user = match.group(1)
            setup[-1] = ("bash", setup[-1][1][: match.start()])
    example_obj = item.get("example", evaluation.get("example"))
    example = _script(example_obj, base, "example") if example_obj is not None else None
    if example is not None and example[0] != "bash":
        raise ValueError("field 'example': only shell examples can serve as the oracle")

    every_code = "\n".join([code for _, code in setup] + ([example[1]] if example else []))
    (folder / "environment").mkdir(parents=True)
    (folder / "tests").mkdir()
    lines = ["#!/bin/bash", "# Generated from the item's create.init and start."]
    for language, code in setup:
        lines.append(
            f"bash -c {shlex.quote(code)}"
            if language == "bash"
            else f"python3 -c {shlex.quote(code)}"
        )
    if "start" in item:
        _, start = _script(item["start"], base, "start")
        lines.append(f"nohup bash -c {shlex.quote(start)} >/dev/null 2>&1 &")
    lines.append("exit 0  # AgentBench ignores init failures, and so do we")
    (folder / "environment" / "setup.sh").write_text("\n".join(lines) + "\n")

    wants_answer = "match" in evaluation
    if wants_answer:
        match_spec = evaluation["match"]
        if isinstance(match_spec, str):
            match_spec = {"answer": match_spec, "strip": True}
        if not isinstance(match_spec, dict) or not ({"answer", "regex"} & match_spec.keys()):
            raise ValueError("field 'evaluation.match': expected a string, answer or regex")
        (folder / "tests" / "match.json").write_text(json.dumps(match_spec))
        (folder / "tests" / "test.sh").write_text(MATCH_RUNNER)
    elif "check" in evaluation:
        checks = evaluation["check"]
        checks = checks if isinstance(checks, list) else [checks]
        for n, check in enumerate(checks):
            if check is None:  # AgentBench: run the example here and pass its output on
                if example is None:
                    raise ValueError("field 'evaluation.check': null entry needs an example")
                language, code = example
            else:
                language, code = _script(check, base, f"evaluation.check[{n}]")
            every_code += "\n" + code
            ext = "py" if language == "python" else "sh"
            (folder / "tests" / f"check_{n:02d}.{ext}").write_text(code + "\n")
        (folder / "tests" / "test.sh").write_text(CHECK_RUNNER)
    else:
        raise ValueError("field 'evaluation': needs match or check")

    if example is not None:
        (folder / "solution").mkdir()
        (folder / "solution" / "solve.sh").write_text(f"#!/bin/sh\n{example[1]}\n")

    packages = sorted(
        {
            p
            for m in _APT_INSTALL.finditer(every_code)
            for p in m.group(1).split()
            if not p.startswith("-")
        }
    )
    labels = item.get("labels") or []
    env: dict[str, Any] = {
        "workdir": f"/home/{user}" if user else "/root",
        "cap_add": DEFAULT_CAPS,
        "no_new_privileges": False,
        "offline_apt_packages": packages,
    }
    if user:
        env["user"] = user
    fields = {
        "family": "os_tasks",
        "difficulty": "medium",
        "tags": ["agentbench", *map(str, labels)],
        "agent": {"wants_answer": wants_answer},
        "environment": env,
        "metadata": {"source": source.name},
    }
    write_task_toml(folder, fields)
    (folder / "instruction.md").write_text(str(item["description"]).strip() + "\n")
    return folder
