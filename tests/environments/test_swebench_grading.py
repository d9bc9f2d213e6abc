"""SWE-bench grading: the official log fixture reproduces its report; rows and predictions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentlab.tasks import TaskFormatError
from environments.repo_issue.grading import marked_output, parse_pytest, report
from environments.repo_issue.instances import (
    Prediction,
    read_instances,
    read_predictions,
    write_predictions,
)

FIXTURES = Path(__file__).parents[1] / "fixtures"
OFFICIAL = FIXTURES / "swebench-logs" / "pydantic__pydantic.acb0f10f.pr_8316"


def test_the_official_log_reproduces_the_official_report() -> None:
    official = json.loads((OFFICIAL / "report.json").read_text())
    status = official["tests_status"]
    ours = report(
        model_patch="diff --git a/x b/x",
        log=(OFFICIAL / "test_output.txt").read_text(),
        fail_to_pass=status["FAIL_TO_PASS"]["success"] + status["FAIL_TO_PASS"]["failure"],
        pass_to_pass=status["PASS_TO_PASS"]["success"] + status["PASS_TO_PASS"]["failure"],
        patch_applied=official["patch_successfully_applied"],
        model_name_or_path=official["model_name_or_path"],
    )
    assert ours == official


def test_both_pytest_formats_and_names_with_spaces_are_read() -> None:
    log = "\n".join([
        "tests/a.py::test_one PASSED                                   [ 10%]",
        "tests/a.py::test_p[Union-Union[str, int]] PASSED               [ 20%]",
        "tests/a.py::test_two FAILED                                   [ 30%]",
        "FAILED tests/a.py::test_three - AssertionError: 1 != 2",
        "XFAIL tests/a.py::test_four - known bug",
        "ERROR tests/b.py::test_five",
        "collected 5 items",
    ])  # fmt: skip
    assert parse_pytest(log) == {
        "tests/a.py::test_one": "PASSED",
        "tests/a.py::test_p[Union-Union[str, int]]": "PASSED",
        "tests/a.py::test_two": "FAILED",
        "tests/a.py::test_three": "FAILED",
        "tests/a.py::test_four": "XFAIL",
        "tests/b.py::test_five": "ERROR",
    }


def run_log(*lines: str) -> str:
    return "setup noise\n+ : '>>>>> Start Test Output'\n" + "\n".join(lines) + (
        "\n+ : '>>>>> End Test Output'\nteardown noise\n")  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "exit_code", "resolved", "f2p_failures"),
    [
        (["PASSED t.py::f", "PASSED t.py::p"], 0, True, []),
        (["XFAIL t.py::f", "PASSED t.py::p"], 0, True, []),
        (["PASSED t.py::p"], 0, False, ["t.py::f"]),  # missing from the log: failed
        (["FAILED t.py::f", "PASSED t.py::p"], 1, False, ["t.py::f"]),
        (["PASSED t.py::f", "PASSED t.py::p"], 2, False, []),  # interrupted: log not trusted
        (["PASSED t.py::f", "PASSED t.py::p"], 1, False, []),  # exit says failed, log hides it
        (["PASSED t.py::f", "PASSED t.py::p", "FAILED t.py::other"], 1, True, []),  # unlisted
    ],
)
def test_grading_rules(
    lines: list[str], exit_code: int, resolved: bool, f2p_failures: list[str]
) -> None:
    result = report(
        model_patch="p", log=run_log(*lines), fail_to_pass=["t.py::f"],
        pass_to_pass=["t.py::p"], patch_applied=True, test_exit_code=exit_code,
    )  # fmt: skip
    assert result["resolved"] is resolved
    assert result["tests_status"]["FAIL_TO_PASS"]["failure"] == f2p_failures


def test_a_run_that_never_reached_the_tests_is_unresolved_without_statuses() -> None:
    result = report(model_patch=None, log="error: patch failed to apply", fail_to_pass=["a"],
                    pass_to_pass=[], patch_applied=False)  # fmt: skip
    assert result == {"patch_is_None": True, "patch_exists": False,
                      "patch_successfully_applied": False, "resolved": False}  # fmt: skip
    assert marked_output("no markers here") is None


def test_official_rows_load_with_their_json_encoded_test_lists() -> None:
    [row] = read_instances(FIXTURES / "swebench" / "lite_dev_marshmallow-1343.jsonl")
    assert row.instance_id == "marshmallow-code__marshmallow-1343"
    assert row.FAIL_TO_PASS == [
        "tests/test_marshalling.py::TestUnmarshaller"
        "::test_deserialize_wrong_nested_type_with_validates_method"]  # fmt: skip
    assert len(row.PASS_TO_PASS) > 10 and row.version == "2.20"


def test_predictions_round_trip_and_bad_lines_are_named(tmp_path: Path) -> None:
    path = tmp_path / "preds.jsonl"
    predictions = [
        Prediction(instance_id="a", model_name_or_path="m", model_patch="diff"),
        Prediction(instance_id="b", model_name_or_path="m", model_patch=None),
    ]
    write_predictions(path, predictions)
    assert read_predictions(path) == predictions
    path.write_text('{"instance_id": "a", "model_name_or_path": "m", "model_patch": "x"}\n{oops\n')
    with pytest.raises(TaskFormatError, match=r"preds\.jsonl:2: not valid JSON"):
        read_predictions(path)
    path.write_text('{"instance_id": "a"}\n')
    with pytest.raises(TaskFormatError, match=r"preds\.jsonl:1: field 'model_name_or_path'"):
        read_predictions(path)
