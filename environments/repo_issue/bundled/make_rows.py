"""Regenerate the instances.jsonl row of one bundled repository from a checkout of it.

The gold patch is `git diff BASE FIX` outside tests/, the test patch the same diff inside
tests/. FAIL_TO_PASS and PASS_TO_PASS come from running the test files that the test patch
touches, as the evaluation does: on BASE with the test patch applied, then with both patches.
A test that fails after both patches, or a FIX with no failing-then-passing test, is an error.

    python make_rows.py CHECKOUT --base SHA --fix SHA --pr 42 [--version 0.4]
        [--difficulty medium] [--problem issue.md] [--hints hints.md]
        [--rows instances.jsonl] [--python PY]

With --rows the row replaces the one with the same instance_id (or is appended), and a
problem statement, hints, version or difficulty left out are kept from the row it replaces.
Without --rows the row is printed. The interpreter given by --python (default: this one)
needs pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

TESTS = "tests"
_SUMMARY = re.compile(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\S+::.+?)(?: - .*)?$")


def git(checkout: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(checkout), *args], check=True, capture_output=True, text=True
    ).stdout


def diff(checkout: Path, base: str, fix: str, *paths: str) -> str:
    """`git diff` in the a/ b/ format that `git apply` takes, whatever the user's config."""
    return git(
        checkout,
        "-c",
        "core.quotepath=false",
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--no-renames",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        base,
        fix,
        "--",
        *paths,
    )


def touched_test_files(checkout: Path, base: str, fix: str) -> list[str]:
    """The test modules the test patch adds or changes (the files the evaluation runs)."""
    names = git(checkout, "diff", "--name-only", "--diff-filter=AM", base, fix, "--", TESTS)
    return [n for n in names.split() if Path(n).name.startswith("test_") and n.endswith(".py")]


def run_tests(
    checkout: Path, base: str, patches: list[str], files: list[str], python: str
) -> tuple[int, dict[str, str]]:
    """Exit code and test id -> status of pytest on BASE with `patches` applied."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(checkout), "archive", "--format=tar", base],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        # Keep git apply from finding an enclosing repository and applying relative to it.
        env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(Path(tmp).parent)}
        for patch in patches:
            subprocess.run(
                ["git", "apply", "-"], input=patch, text=True, cwd=tmp, env=env, check=True
            )
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        result = subprocess.run(
            [python, "-m", "pytest", "-rA", "-p", "no:cacheprovider", *files],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    statuses = {}
    for line in result.stdout.splitlines():
        match = _SUMMARY.match(line.rstrip())
        if match:
            statuses[match[2]] = match[1]
    return result.returncode, statuses


def utc_timestamp(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_row(
    checkout: Path, name: str, base: str, fix: str, pr: int, python: str
) -> dict[str, Any]:
    """The row without its hand-written fields (problem statement, hints, version, ...)."""
    base = git(checkout, "rev-parse", "--verify", f"{base}^{{commit}}").strip()
    fix = git(checkout, "rev-parse", "--verify", f"{fix}^{{commit}}").strip()
    gold = diff(checkout, base, fix, ".", f":(exclude){TESTS}")
    test_patch = diff(checkout, base, fix, TESTS)
    files = touched_test_files(checkout, base, fix)
    if not gold or not test_patch or not files:
        sys.exit(f"{name}: BASE..FIX must change both library files and test modules")
    _, before = run_tests(checkout, base, [test_patch], files, python)
    code, after = run_tests(checkout, base, [test_patch, gold], files, python)
    broken = [test for test, status in after.items() if status != "PASSED"]
    lost = [test for test, status in before.items() if status == "PASSED" and test not in after]
    if code != 0 or broken or lost:
        sys.exit(f"{name}: with both patches pytest exits {code}; not passing: {broken + lost}")
    fail_to_pass = [test for test in after if before.get(test) != "PASSED"]
    if not fail_to_pass:
        sys.exit(f"{name}: no test fails before the gold patch and passes after it")
    return {
        "repo": f"agentlab/{name}",
        "instance_id": f"agentlab__{name}-{pr}",
        "base_commit": base,
        "patch": gold,
        "test_patch": test_patch,
        "created_at": utc_timestamp(git(checkout, "show", "-s", "--format=%aI", fix).strip()),
        "FAIL_TO_PASS": json.dumps(fail_to_pass),
        "PASS_TO_PASS": json.dumps([test for test in after if before.get(test) == "PASSED"]),
        "environment_setup_commit": base,
    }


def with_text(row: dict[str, Any], old: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """The row with its hand-written fields, from the arguments or else the old row."""
    problem = args.problem.read_text() if args.problem else old.get("problem_statement")
    if not problem:
        sys.exit(f"{row['instance_id']}: a problem statement is needed (--problem)")
    hints = args.hints.read_text() if args.hints else old.get("hints_text", "")
    version = args.version or old.get("version") or "1.0"
    difficulty = args.difficulty or old.get("difficulty") or "medium"
    ordered = ["repo", "instance_id", "base_commit", "patch", "test_patch"]
    return {
        **{key: row[key] for key in ordered},
        "problem_statement": problem,
        "hints_text": hints,
        "created_at": row["created_at"],
        "version": version,
        "FAIL_TO_PASS": row["FAIL_TO_PASS"],
        "PASS_TO_PASS": row["PASS_TO_PASS"],
        "environment_setup_commit": row["environment_setup_commit"],
        "difficulty": difficulty,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path, help="a clone of the repository's bundle")
    parser.add_argument("--name", help="repository name (default: the checkout's folder name)")
    parser.add_argument("--base", required=True, help="the commit where the issue exists")
    parser.add_argument("--fix", required=True, help="the commit with the gold and test patch")
    parser.add_argument("--pr", type=int, required=True, help="the PR number in instance_id")
    parser.add_argument("--version", help='the row\'s version, e.g. "0.4"')
    parser.add_argument("--difficulty", choices=["easy", "medium", "hard"])
    parser.add_argument("--problem", type=Path, help="file with the problem statement")
    parser.add_argument("--hints", type=Path, help="file with the hints text")
    parser.add_argument("--rows", type=Path, help="instances.jsonl to update in place")
    parser.add_argument("--python", default=sys.executable, help="interpreter with pytest")
    args = parser.parse_args()
    checkout = args.checkout.resolve()
    row = make_row(checkout, args.name or checkout.name, args.base, args.fix, args.pr, args.python)
    if args.rows is None:
        print(json.dumps(with_text(row, {}, args)))
        return
    rows = []
    if args.rows.exists():
        rows = [json.loads(line) for line in args.rows.read_text().splitlines() if line.strip()]
    ids = [r["instance_id"] for r in rows]
    if row["instance_id"] in ids:
        index = ids.index(row["instance_id"])
        rows[index] = with_text(row, rows[index], args)
    else:
        rows.append(with_text(row, {}, args))
    args.rows.write_text("".join(json.dumps(r) + "\n" for r in rows))


if __name__ == "__main__":
    main()
