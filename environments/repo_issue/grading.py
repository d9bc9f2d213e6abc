"""SWE-bench evaluation of a checkout, and grading its test log into report.json.

This one file is both the host's grader and the script the verifier runs inside the sandbox
(`python3 grading.py EVAL_JSON VERIFIER_DIR`, in the repository), so it is stdlib-only and runs
on Python 3.9. Inside, it does what the SWE-bench harness does after the model's patch:

1. reset the files the test patch touches to base_commit (agent edits to them are discarded;
   files the test patch creates are removed), then apply the test patch;
2. run the test command on those files, between the start and end markers, under a timeout;
3. parse the log per test (pytest verbose lines and `-rA` summary lines) and grade it.

Grading: a FAIL_TO_PASS or PASS_TO_PASS test succeeds when the log reports it PASSED or XFAIL;
a test missing from the log counts as failed; resolved only when every one succeeds. Unlike the
official harness, a run whose exit code contradicts its log (pytest exit 2 or more, or exit 1
with no failing test reported) is rejected: the log is not trusted over the exit code.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

START_MARKER = ">>>>> Start Test Output"
END_MARKER = ">>>>> End Test Output"
PASSED, FAILED, SKIPPED, ERROR, XFAIL, XPASS = (
    "PASSED", "FAILED", "SKIPPED", "ERROR", "XFAIL", "XPASS")  # fmt: skip
STATUSES = (PASSED, FAILED, SKIPPED, ERROR, XFAIL, XPASS)
SUCCESS = frozenset({PASSED, XFAIL})
FAILURE = frozenset({FAILED, ERROR})
GIT_TIMEOUT_S = 300
_NAMES = "|".join(STATUSES)
_VERBOSE = re.compile(rf"^(?P<test>\S.*?::\S.*?)\s+(?P<status>{_NAMES})(?:\s+\[\s*\d+%\])?\s*$")
_SUMMARY = re.compile(rf"^(?P<status>{_NAMES})\s+(?P<test>\S.*?::\S.*?)(?:\s+-\s+.*)?$")


def marked_output(log: str) -> str | None:
    """The text between the start and end markers, or None when the run never got there."""
    start = log.find(START_MARKER)
    if start < 0:
        return None
    end = log.find(END_MARKER, start)
    return log[log.find("\n", start) + 1 : end if end >= 0 else len(log)]


def parse_pytest(log: str) -> dict[str, str]:
    """Test id -> status for every test the log reports; the last report of a test wins.

    A parametrised name may contain spaces; it is read whole.
    """
    statuses: dict[str, str] = {}
    for line in log.splitlines():
        line = line.rstrip()
        match = _SUMMARY.match(line) or _VERBOSE.match(line)
        if match:
            statuses[match.group("test")] = match.group("status")
    return statuses


def split(tests: Sequence[str], statuses: dict[str, str]) -> dict[str, list[str]]:
    return {
        "success": [t for t in tests if statuses.get(t) in SUCCESS],
        "failure": [t for t in tests if statuses.get(t) not in SUCCESS],
    }


def report(
    *,
    model_patch: str | None,
    log: str,
    fail_to_pass: Sequence[str],
    pass_to_pass: Sequence[str],
    patch_applied: bool,
    model_name_or_path: str = "",
    test_exit_code: int | None = None,
) -> dict[str, Any]:
    """One instance's report.json entry, in the official format."""
    result: dict[str, Any] = {
        "patch_is_None": model_patch is None,
        "patch_exists": bool(model_patch),
        "patch_successfully_applied": patch_applied,
        "resolved": False,
    }
    section = marked_output(log)
    if section is not None:
        statuses = parse_pytest(section)
        status = {
            "FAIL_TO_PASS": split(fail_to_pass, statuses),
            "PASS_TO_PASS": split(pass_to_pass, statuses),
            "FAIL_TO_FAIL": split([], statuses),
            "PASS_TO_FAIL": split([], statuses),
        }
        all_pass = not status["FAIL_TO_PASS"]["failure"] and not status["PASS_TO_PASS"]["failure"]
        result["resolved"] = all_pass and not exit_contradicts(test_exit_code, statuses)
        result["tests_status"] = status
    if model_name_or_path:
        result["model_name_or_path"] = model_name_or_path
    return result


def exit_contradicts(exit_code: int | None, statuses: dict[str, str]) -> bool:
    """True when pytest's exit code says something its log hides (exit 1 means some failed)."""
    if exit_code is None or exit_code == 0:
        return False
    return exit_code != 1 or not any(s in FAILURE for s in statuses.values())


# --- inside the sandbox -------------------------------------------------------------------------


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], capture_output=True, text=True, timeout=GIT_TIMEOUT_S, check=False
    )


def reset_test_files(base_commit: str, files: Sequence[str]) -> None:
    """Puts each file back as it was at base_commit; one that did not exist there is removed."""
    for path in files:
        if _git("cat-file", "-e", f"{base_commit}:{path}").returncode == 0:
            _git("checkout", base_commit, "--", path)
        elif os.path.lexists(path):
            os.remove(path)


def run_tests(command: str, timeout: float) -> tuple[str, int, bool]:
    """The marked log, exit code and whether it timed out (its whole process group killed)."""
    proc = subprocess.Popen(
        ["bash", "-c", command],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    timed_out = False
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    text = out.decode("utf-8", "replace")
    log = f"{START_MARKER}\n{text.rstrip()}\n{END_MARKER}\n"
    if timed_out:
        log += f"tests timed out after {timeout:g}s\n"
    return log, proc.returncode, timed_out


def evaluate(spec: dict[str, Any], test_patch: str, verifier_dir: str) -> dict[str, Any]:
    """Grades the checkout's change: writes model.patch (the change, untracked files included),
    test_output.txt, report.json and reward.json into `verifier_dir`; returns the report entry."""
    started = time.monotonic()
    _git("add", "-A")
    model_patch = _git("diff", "--cached", "--binary", "HEAD").stdout
    _git("reset", "-q")
    reset_test_files(spec["base_commit"], spec["test_files"])
    applied = subprocess.run(
        ["git", "apply", "-v", "-"], input=test_patch, capture_output=True, text=True,
        timeout=GIT_TIMEOUT_S, check=False,
    )  # fmt: skip
    exit_code: int | None = None
    timed_out = False
    if applied.returncode != 0:
        log = f"test patch failed to apply:\n{applied.stdout}{applied.stderr}"
    else:
        log, exit_code, timed_out = run_tests(spec["test_command"], spec["timeout_sec"])
    entry = report(
        model_patch=model_patch,
        log=log,
        fail_to_pass=spec["FAIL_TO_PASS"],
        pass_to_pass=spec["PASS_TO_PASS"],
        patch_applied=True,
        test_exit_code=exit_code,
    )
    entry["tests_timed_out"] = timed_out
    if applied.returncode != 0:
        entry["error"] = "the test patch failed to apply"
    elif timed_out:
        entry["error"] = f"tests timed out after {spec['timeout_sec']:g}s"
    entry["duration_s"] = round(time.monotonic() - started, 3)
    status = entry.get("tests_status", {})
    metrics = {"reward": 1.0 if entry["resolved"] else 0.0}
    for group in ("FAIL_TO_PASS", "PASS_TO_PASS"):
        tests = status.get(group, {"success": [], "failure": spec[group]})
        total = len(tests["success"]) + len(tests["failure"])
        metrics[group.lower()] = len(tests["success"]) / total if total else 1.0
    _write(verifier_dir, "model.patch", model_patch)
    _write(verifier_dir, "test_output.txt", log)
    _write(verifier_dir, "report.json", json.dumps({spec["instance_id"]: entry}, indent=2))
    _write(verifier_dir, "reward.json", json.dumps(metrics))
    return entry


def _write(folder: str, name: str, text: str) -> None:
    with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
        handle.write(text)


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print("usage: grading.py EVAL_JSON VERIFIER_DIR (run in the repository)", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as handle:
        spec = json.load(handle)
    patch_file = os.path.join(os.path.dirname(os.path.abspath(argv[0])), spec["test_patch_file"])
    with open(patch_file, encoding="utf-8") as handle:
        test_patch = handle.read()
    entry = evaluate(spec, test_patch, argv[1])
    print(f"{spec['instance_id']}: {'resolved' if entry['resolved'] else 'unresolved'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
