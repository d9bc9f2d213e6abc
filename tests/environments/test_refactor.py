"""The refactor family: its tasks validate, and its one structural checker catches what it must."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from agentlab.sandbox.docker import DockerProvider
from agentlab.sandbox.local import LocalProvider
from agentlab.tasks import load_tasks
from agentlab.validate import validate_tasks
from environments.refactor import TASKS_DIR, astcheck

FAMILY = TASKS_DIR.parent.resolve()
KINDS = {"rename", "extract-function", "extract-class", "move-module", "change-signature",
         "replace-pattern"}  # fmt: skip


def test_the_family_covers_every_kind_and_difficulty() -> None:
    tasks = load_tasks([TASKS_DIR])
    kinds = [t.tags[0] for t in tasks]
    assert len(tasks) >= 8 and len(set(kinds)) == len(kinds) and set(kinds) >= KINDS, kinds
    assert {t.difficulty for t in tasks} == {"easy", "medium", "hard"}
    assert all(t.family == "refactor" and t.checklist.items for t in tasks)
    assert all(not t.environment.needs_container for t in tasks)


@pytest.mark.parametrize("task", sorted(p.name for p in TASKS_DIR.iterdir()))
def test_every_task_shares_the_verifier_and_declares_valid_checks(task: str) -> None:
    tests = TASKS_DIR / task / "tests"
    for link, target in (("test.sh", "verify.sh"), ("astcheck.py", "astcheck.py")):
        assert (tests / link).is_symlink() and (tests / link).resolve() == FAMILY / target
    assert (tests / "behaviour.py").is_file()
    astcheck.validate(json.loads((tests / "structure.json").read_text())["checks"])


async def test_every_task_is_valid_on_local_sandboxes() -> None:
    results = await validate_tasks(load_tasks([TASKS_DIR]), LocalProvider(), concurrency=2)
    assert [r.task_id for r in results if not r.valid] == [], [r.error for r in results]


@pytest.mark.docker
@pytest.mark.slow
async def test_every_task_is_valid_on_docker(docker_provider: DockerProvider) -> None:
    results = await validate_tasks(load_tasks([TASKS_DIR]), docker_provider, concurrency=2)
    assert [r.task_id for r in results if not r.valid] == [], [r.error for r in results]


# -- astcheck on a small repository --------------------------------------------------------

SHOP = {
    "shop/__init__.py": "from .pricing import total_price\n",
    "shop/pricing.py": """from dataclasses import dataclass

RATE = 0.2


@dataclass(frozen=True)
class Item:
    name: str
    price: float


class Basket(list):
    def total(self, *, tax_rate=RATE):
        return total_price(self, tax_rate)


def total_price(items, tax_rate):
    net = sum(i.price for i in items)
    return round(net * (1 + tax_rate), 2)


def label(item):
    return "%s: %.2f" % (item.name, item.price)
""",
    "shop/cart.py": """from . import pricing
from .pricing import Item as Thing


def checkout(items, config):
    rate = config["rate"]
    return pricing.total_price(items, tax_rate=rate)
""",
    "tests/test_shop.py": """import unittest


class ShopTest(unittest.TestCase):
    def test_one(self):
        pass

    def test_two(self):
        pass
""",
}

CASES: list[tuple[dict[str, Any], str | None]] = [
    # (check, None when it holds on SHOP, else a part of its first failure)
    ({"kind": "module_exists", "path": "shop/cart.py"}, None),
    ({"kind": "module_exists", "path": "shop/gone.py"}, "shop/gone.py: no such module"),
    ({"kind": "module_absent", "path": "shop/gone.py"}, None),
    ({"kind": "module_absent", "path": "shop/cart.py"}, "shop/cart.py: still exists"),
    ({"kind": "defines_function", "path": "shop/pricing.py", "name": "total_price",
      "params": ["items", "tax_rate"], "max_statements": 2}, None),
    ({"kind": "defines_function", "path": "shop/pricing.py", "name": "Basket.total",
      "params": ["self", "*", "tax_rate"]}, None),
    ({"kind": "defines_function", "path": "shop/pricing.py", "name": "total_price",
      "params": ["items"]}, "total_price(items, tax_rate), expected (items)"),
    ({"kind": "defines_function", "path": "shop/pricing.py", "name": "total_price",
      "max_statements": 1}, "total_price has 2 statements, expected at most 1"),
    ({"kind": "defines_function", "path": "shop/pricing.py", "name": "Item"}, "no function Item"),
    ({"kind": "defines_class", "path": "shop/pricing.py", "name": "Item",
      "decorators": ["dataclass"], "fields": ["name", "price"]}, None),
    ({"kind": "defines_class", "path": "shop/pricing.py", "name": "Basket", "bases": ["list"],
      "methods": ["total"]}, None),
    ({"kind": "defines_class", "path": "shop/pricing.py", "name": "Item",
      "fields": ["price", "name"]}, "has fields (name, price), expected (price, name)"),
    ({"kind": "defines_class", "path": "shop/pricing.py", "name": "Basket",
      "methods": ["clear"]}, "class Basket has no method clear"),
    ({"kind": "defines_class", "path": "shop/pricing.py", "name": "Basket",
      "decorators": ["dataclass"]}, "class Basket is not decorated with dataclass"),
    ({"kind": "not_defined", "name": "compute_total"}, None),
    ({"kind": "not_defined", "name": "RATE"}, "shop/pricing.py:3: defines RATE"),
    ({"kind": "not_defined", "name": "total"}, "shop/pricing.py:13: defines total"),
    ({"kind": "not_defined", "name": "total", "exclude": ["shop/pricing.py"]}, None),
    ({"kind": "no_reference", "name": "compute_total"}, None),
    ({"kind": "no_reference", "name": "pricing"}, "shop/__init__.py:1: references pricing"),
    ({"kind": "no_reference", "name": "Thing", "paths": ["shop/cart.py"]},
     "shop/cart.py:2: references Thing"),
    ({"kind": "imports", "path": "shop/cart.py", "module": "shop.pricing"}, None),
    ({"kind": "imports", "path": "shop/cart.py", "module": "shop.pricing", "name": "Item"}, None),
    ({"kind": "imports", "path": "shop/cart.py", "module": "shop.tax"},
     "shop/cart.py: does not import shop.tax"),
    ({"kind": "no_import", "module": "shop.tax"}, None),
    ({"kind": "no_import", "module": "shop.pricing", "names": ["Basket"]}, None),
    ({"kind": "no_import", "module": "shop.pricing"}, "shop/__init__.py:1: imports shop.pricing"),
    ({"kind": "no_import", "module": "shop.pricing", "names": ["Item"]},
     "shop/cart.py:2: imports Item from shop.pricing"),
    ({"kind": "calls", "path": "shop/cart.py", "inside": "checkout", "callee": "total_price"},
     None),
    ({"kind": "calls", "path": "shop/pricing.py", "inside": "Basket.total",
      "callee": "total_price"}, None),
    ({"kind": "calls", "path": "shop/cart.py", "callee": "round"},
     "shop/cart.py does not call round"),
    ({"kind": "calls", "path": "shop/cart.py", "inside": "pay", "callee": "round"},
     "shop/cart.py: no function pay"),
    ({"kind": "no_call", "callee": "compute_total"}, None),
    ({"kind": "no_call", "callee": "pricing.total_price"},
     "shop/cart.py:7: calls pricing.total_price"),
    ({"kind": "call_args", "callee": "total_price", "max_positional": 1,
      "keywords": ["tax_rate"], "paths": ["shop/cart.py"]}, None),
    ({"kind": "call_args", "callee": "total_price", "max_positional": 1},
     "shop/pricing.py:14: total_price(...) passes 2 positional arguments, max 1"),
    ({"kind": "call_args", "callee": "total_price", "keywords": ["tax_rate"]},
     "shop/pricing.py:14: total_price(...) does not pass tax_rate by keyword"),
    ({"kind": "no_percent_format", "paths": ["shop/cart.py"]}, None),
    ({"kind": "no_percent_format"}, "shop/pricing.py:23: formats a string literal with %"),
    ({"kind": "no_key_access", "keys": ["name", "price"]}, None),
    ({"kind": "no_key_access", "keys": ["rate"]}, "shop/cart.py:6: reads the key 'rate'"),
    ({"kind": "min_tests", "count": 2}, None),
    ({"kind": "min_tests", "count": 3}, "tests/*: 2 tests, expected at least 3"),
]  # fmt: skip


def write_repo(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_every_check_kind_has_a_passing_and_a_failing_case() -> None:
    outcomes = {(c["kind"], expected is None) for c, expected in CASES}
    assert outcomes == {(k, ok) for k in astcheck.KINDS for ok in (True, False)}


@pytest.mark.parametrize(("check", "expected"), CASES)
def test_check_kinds(tmp_path: Path, check: dict[str, Any], expected: str | None) -> None:
    failures = astcheck.run_checks([check], write_repo(tmp_path, SHOP))
    if expected is None:
        assert failures == []
    else:
        assert failures and expected in failures[0], failures


def test_many_offences_are_listed_up_to_a_limit(tmp_path: Path) -> None:
    calls = "".join(f"old({i})\n" for i in range(8))
    failures = astcheck.run_checks(
        [{"kind": "no_call", "callee": "old"}], write_repo(tmp_path, {"m.py": calls})
    )
    assert failures[0] == "m.py:1: calls old"
    assert len(failures) == astcheck.MAX_REPORTED + 1
    assert failures[-1] == "... and 3 more like these"


def test_a_file_that_does_not_parse_fails(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {**SHOP, "shop/broken.py": "def f(:\n"})
    [failure] = astcheck.run_checks([{"kind": "module_exists", "path": "shop/cart.py"}], repo)
    assert failure.startswith("shop/broken.py: does not parse")


@pytest.mark.parametrize(
    ("checks", "message"),
    [
        ([], "non-empty list"),
        ([{"kind": "renamed"}], "unknown kind"),
        ([{"kind": "module_exists"}], "missing ['path']"),
        ([{"kind": "no_call", "callee": "f", "path": "x.py"}], "unexpected ['path']"),
    ],
)
def test_malformed_checks_are_spec_errors(
    tmp_path: Path, checks: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(astcheck.SpecError, match=message.replace("[", r"\[")):
        astcheck.run_checks(checks, tmp_path)


def test_the_cli_prints_failures_and_exits_by_outcome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = write_repo(tmp_path / "repo", SHOP)
    spec = tmp_path / "structure.json"
    spec.write_text(json.dumps({"checks": [{"kind": "min_tests", "count": 2}]}))
    assert astcheck.main([str(spec), str(repo)]) == 0
    assert capsys.readouterr().out == "ok: all 1 structural checks hold\n"
    spec.write_text(json.dumps({"checks": [{"kind": "no_reference", "name": "Thing"}]}))
    assert astcheck.main([str(spec), str(repo)]) == 1
    assert capsys.readouterr().out == "FAIL shop/cart.py:2: references Thing\n"
    spec.write_text(json.dumps({"checks": [{"kind": "nope"}]}))
    assert astcheck.main([str(spec), str(repo)]) == 2
    assert "unknown kind" in capsys.readouterr().err


# -- a real task: the whole refactor holds, half of it does not ---------------------------

RENAME = TASKS_DIR / "rename-reorder-quantity"


def rename_checks() -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = json.loads((RENAME / "tests/structure.json").read_text())[
        "checks"
    ]
    return checks


def test_renaming_only_the_definition_fails_structure(tmp_path: Path) -> None:
    repo = shutil.copytree(RENAME / "environment", tmp_path / "repo")
    planning = repo / "stockroom/planning.py"
    planning.write_text(
        planning.read_text().replace("def calc_reorder_qty(", "def reorder_quantity(")
    )
    failures = astcheck.run_checks(rename_checks(), repo)
    assert "stockroom/report.py:3: references calc_reorder_qty" in failures
    assert "stockroom/cli.py: main does not call reorder_quantity" in failures
    assert not any(f.startswith("stockroom/planning.py: no function") for f in failures)


def test_the_oracles_rename_passes_structure(tmp_path: Path) -> None:
    repo = shutil.copytree(RENAME / "environment", tmp_path / "repo")
    solve = RENAME / "solution/solve.sh"
    subprocess.run(["bash", str(solve)], cwd=repo, check=True, capture_output=True, timeout=60)
    assert astcheck.run_checks(rename_checks(), repo) == []
