"""Structural checks on a refactored Python repository, declared as data.

A refactor task says what its finished refactor looks like in `tests/structure.json`:

    {"checks": [{"kind": "defines_function", "path": "shop/pricing.py",
                 "name": "total_price", "params": ["items", "tax_rate"]}, ...]}

and this one checker reads the workspace's syntax trees to test it, so no task re-implements
the checks. `python3 astcheck.py structure.json WORKSPACE` prints a reason for every failed
check and exits 1 (2 when structure.json itself is malformed). It runs inside sandboxes on
their python3 (3.9 or later), so it sticks to the stdlib and to 3.9 syntax.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

MAX_REPORTED = 5  # offending places listed per check; the rest are counted
SCOPE = ("paths", "exclude")
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
DEFS = (*FUNCTIONS, ast.ClassDef)


class SpecError(ValueError):
    """structure.json is malformed: an unknown kind, a missing or unexpected field."""


class Missing(Exception):
    """What a check needs is absent; the message is the check's failure."""


class Repo:
    """The workspace's Python files, each parsed once, keyed by posix path from the root.

    Hidden folders and __pycache__ are skipped; files that do not parse are kept in `broken`.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.trees: dict[str, ast.Module] = {}
        self.broken: dict[str, str] = {}
        for file in sorted(root.rglob("*.py")):
            rel = file.relative_to(root)
            if any(p.startswith(".") or p == "__pycache__" for p in rel.parts[:-1]):
                continue
            try:
                self.trees[rel.as_posix()] = ast.parse(file.read_bytes(), filename=str(rel))
            except (SyntaxError, ValueError) as exc:
                self.broken[rel.as_posix()] = f"{rel.as_posix()}: does not parse: {exc}"

    def tree(self, path: str) -> ast.Module:
        """The tree of `path`; a missing module is the check's failure, raised as Missing."""
        if path not in self.trees:
            raise Missing(f"{path}: no such module")
        return self.trees[path]

    def scope(self, check: dict[str, Any]) -> Iterator[tuple[str, ast.Module]]:
        """The files a check covers: those matching `paths` (default all), minus `exclude`.

        Patterns are fnmatch globs on posix paths, where `*` also crosses `/`.
        """
        include = check.get("paths", ["*"])
        exclude = check.get("exclude", [])
        for path, tree in self.trees.items():
            wanted = any(fnmatch.fnmatchcase(path, p) for p in include)
            if wanted and not any(fnmatch.fnmatchcase(path, p) for p in exclude):
                yield path, tree


CheckFn = Callable[[Repo, "dict[str, Any]"], "list[str]"]
KINDS: dict[str, tuple[CheckFn, frozenset[str], frozenset[str]]] = {}


def kind(*required: str, optional: tuple[str, ...] = ()) -> Callable[[CheckFn], CheckFn]:
    """Registers a check kind under its function's name with the fields it takes."""

    def register(fn: CheckFn) -> CheckFn:
        KINDS[fn.__name__] = (fn, frozenset(required), frozenset(optional))
        return fn

    return register


# -- reading trees ----------------------------------------------------------------------------


def module_name(path: str) -> str:
    """`shop/pricing.py` -> `shop.pricing`; a package's `__init__.py` is the package."""
    parts = path[: -len(".py")].split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def dotted(node: ast.expr) -> str:
    """`a.b.c` for names and attribute chains, a call as its function (`Parser(s).parse` is
    `Parser.parse`); any other base shows as `?` (`"...".format` is `?.format`)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return dotted(node.func)
    return "?"


def matches(name: str, pattern: str) -> bool:
    """A dotted name matches a pattern equal to it or to its tail: `quote` ~ `shipping.quote`."""
    return fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(name, f"*.{pattern}")


def import_events(path: str, tree: ast.Module) -> Iterator[tuple[str, str | None, int]]:
    """(module, imported name or None, line) per import, relative imports made absolute.

    `from pkg import x` yields (`pkg`, None) and (`pkg`, `x`), and also (`pkg.x`, None), as x
    may be a module.
    """
    package = module_name(path).split(".")
    if not path.endswith("__init__.py"):
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            yield source, None, node.lineno
            for alias in node.names:
                yield source, alias.name, node.lineno
                yield f"{source}.{alias.name}".lstrip("."), None, node.lineno


def signature(args: ast.arguments) -> list[str]:
    """Parameter names in order, with `/`, `*`, `*args` and `**kwargs` as Python writes them."""
    out = [a.arg for a in args.posonlyargs]
    if out:
        out.append("/")
    out += [a.arg for a in args.args]
    if args.vararg:
        out.append(f"*{args.vararg.arg}")
    elif args.kwonlyargs:
        out.append("*")
    out += [a.arg for a in args.kwonlyargs]
    if args.kwarg:
        out.append(f"**{args.kwarg.arg}")
    return out


def find_def(tree: ast.Module, name: str) -> ast.AST | None:
    """A top-level function or class `name`, or a method given as `Class.method`."""
    body: list[ast.stmt] = tree.body
    *owners, last = name.split(".")
    for owner in owners:
        cls = next((n for n in body if isinstance(n, ast.ClassDef) and n.name == owner), None)
        if cls is None:
            return None
        body = cls.body
    return next((n for n in body if isinstance(n, DEFS) and n.name == last), None)


def walk(node: ast.AST) -> list[ast.AST]:
    """Every node under `node`, in source order, so reports list places top to bottom."""
    return sorted(
        ast.walk(node), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))
    )


def calls_in(node: ast.AST, callee: str) -> list[ast.Call]:
    found = [n for n in walk(node) if isinstance(n, ast.Call)]
    return [c for c in found if matches(dotted(c.func), callee)]


def where(path: str, node: ast.AST) -> str:
    return f"{path}:{getattr(node, 'lineno', '?')}"


def capped(failures: list[str]) -> list[str]:
    """At most MAX_REPORTED failures of one check, then a count of the rest."""
    rest = len(failures) - MAX_REPORTED
    return failures[:MAX_REPORTED] + ([f"... and {rest} more like these"] if rest > 0 else [])


# -- check kinds ------------------------------------------------------------------------------


@kind("path")
def module_exists(repo: Repo, c: dict[str, Any]) -> list[str]:
    """The module `path` exists (and parses)."""
    repo.tree(c["path"])
    return []


@kind("path")
def module_absent(repo: Repo, c: dict[str, Any]) -> list[str]:
    """The file `path` no longer exists."""
    return [f"{c['path']}: still exists"] if (repo.root / c["path"]).exists() else []


@kind("path", "name", optional=("params", "max_statements"))
def defines_function(repo: Repo, c: dict[str, Any]) -> list[str]:
    """`path` defines function `name` (or method `Class.name`), optionally with exactly
    `params` and a body of at most `max_statements` statements (nested ones included)."""
    node = find_def(repo.tree(c["path"]), c["name"])
    if not isinstance(node, FUNCTIONS):
        return [f"{c['path']}: no function {c['name']}"]
    failures = []
    if "params" in c and signature(node.args) != c["params"]:
        have, want = ", ".join(signature(node.args)), ", ".join(c["params"])
        failures.append(f"{where(c['path'], node)}: {c['name']}({have}), expected ({want})")
    size = sum(isinstance(n, ast.stmt) for n in ast.walk(node)) - 1
    if "max_statements" in c and size > c["max_statements"]:
        failures.append(
            f"{where(c['path'], node)}: {c['name']} has {size} statements, "
            f"expected at most {c['max_statements']}"
        )
    return failures


@kind("path", "name", optional=("bases", "methods", "fields", "decorators"))
def defines_class(repo: Repo, c: dict[str, Any]) -> list[str]:
    """`path` defines class `name`; optionally with exactly `bases`, with every method in
    `methods`, with exactly the annotated `fields` in order, and every one of `decorators`."""
    node = find_def(repo.tree(c["path"]), c["name"])
    if not isinstance(node, ast.ClassDef):
        return [f"{c['path']}: no class {c['name']}"]
    at = f"{where(c['path'], node)}: class {c['name']}"
    failures = []
    bases = [ast.unparse(b) for b in node.bases]
    if "bases" in c and bases != c["bases"]:
        failures.append(f"{at} has bases ({', '.join(bases)}), expected ({', '.join(c['bases'])})")
    defined = {n.name for n in node.body if isinstance(n, FUNCTIONS)}
    failures += [f"{at} has no method {m}" for m in c.get("methods", []) if m not in defined]
    fields = [
        n.target.id
        for n in node.body
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
    ]
    if "fields" in c and fields != c["fields"]:
        failures.append(
            f"{at} has fields ({', '.join(fields)}), expected ({', '.join(c['fields'])})"
        )
    decorators = [dotted(d) for d in node.decorator_list]
    for want in c.get("decorators", []):
        if not any(matches(d, want) for d in decorators):
            failures.append(f"{at} is not decorated with {want}")
    return failures


@kind("name", optional=SCOPE)
def not_defined(repo: Repo, c: dict[str, Any]) -> list[str]:
    """No function, class or module-level variable `name` is defined anywhere in scope."""
    places = []
    for path, tree in repo.scope(c):
        for node in walk(tree):
            if isinstance(node, DEFS) and node.name == c["name"]:
                places.append(f"{where(path, node)}: defines {c['name']}")
        for node in tree.body:
            targets = (
                node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            )
            if any(isinstance(t, ast.Name) and t.id == c["name"] for t in targets):
                places.append(f"{where(path, node)}: defines {c['name']}")
    return capped(places)


@kind("name", optional=SCOPE)
def no_reference(repo: Repo, c: dict[str, Any]) -> list[str]:
    """The identifier `name` appears nowhere in scope: not as a name, attribute, definition,
    global or import (strings and comments do not count)."""
    name = c["name"]
    places = []
    for path, tree in repo.scope(c):
        for node in walk(tree):
            if isinstance(node, ast.Name):
                hit = node.id == name
            elif isinstance(node, ast.Attribute):
                hit = node.attr == name
            elif isinstance(node, DEFS):
                hit = node.name == name
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                hit = name in node.names
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                words = [w for a in node.names for w in [*a.name.split("."), a.asname]]
                hit = name in words + (getattr(node, "module", None) or "").split(".")
            else:
                hit = False
            if hit:
                places.append(f"{where(path, node)}: references {name}")
    return capped(places)


@kind("path", "module", optional=("name",))
def imports(repo: Repo, c: dict[str, Any]) -> list[str]:
    """`path` imports `module` in any form (`import m`, `from pkg import m`, relative), or,
    given `name`, imports that name from it (`from module import name`)."""
    want = (c["module"], c.get("name"))
    if any((m, n) == want for m, n, _ in import_events(c["path"], repo.tree(c["path"]))):
        return []
    what = f"{want[1]} from {want[0]}" if want[1] else want[0]
    return [f"{c['path']}: does not import {what}"]


@kind("module", optional=("names", *SCOPE))
def no_import(repo: Repo, c: dict[str, Any]) -> list[str]:
    """Nothing in scope imports `module` or its submodules, or, given `names`, imports any
    of those names from `module`."""
    module, names = c["module"], c.get("names")
    places: dict[tuple[str, int], str] = {}  # the first offence of each import statement
    for path, tree in repo.scope(c):
        for m, n, line in import_events(path, tree):
            if names is None:
                hit = n is None and (m == module or m.startswith(f"{module}."))
            else:
                hit = m == module and n in [*names, "*"]
            if hit:
                what = f"{n} from {m}" if names else m
                places.setdefault((path, line), f"{path}:{line}: imports {what}")
    return capped([places[k] for k in sorted(places)])


@kind("path", "callee", optional=("inside",))
def calls(repo: Repo, c: dict[str, Any]) -> list[str]:
    """`path` (or its function or method `inside`) calls `callee` at least once.

    A call matches a callee pattern equal to its dotted name or that name's tail, so
    `total_price` matches `total_price(...)` and `pricing.total_price(...)`; globs work too.
    """
    node: ast.AST | None = repo.tree(c["path"])
    at = c["path"]
    if "inside" in c:
        node = find_def(repo.tree(c["path"]), c["inside"])
        at = f"{c['path']}: {c['inside']}"
        if node is None:
            return [f"{c['path']}: no function {c['inside']}"]
    return [] if calls_in(node, c["callee"]) else [f"{at} does not call {c['callee']}"]


@kind("callee", optional=SCOPE)
def no_call(repo: Repo, c: dict[str, Any]) -> list[str]:
    """Nothing in scope calls `callee` (a pattern as in `calls`)."""
    return capped(
        [
            f"{where(path, call)}: calls {dotted(call.func)}"
            for path, tree in repo.scope(c)
            for call in calls_in(tree, c["callee"])
        ]
    )


@kind("callee", optional=("max_positional", "keywords", *SCOPE))
def call_args(repo: Repo, c: dict[str, Any]) -> list[str]:
    """Every call of `callee` in scope passes at most `max_positional` positional arguments
    and names each of `keywords` (a `**mapping` argument names none of them)."""
    limit = c.get("max_positional")
    failures = []
    for path, tree in repo.scope(c):
        for call in calls_in(tree, c["callee"]):
            named = {k.arg for k in call.keywords}
            missing = [k for k in c.get("keywords", []) if k not in named]
            at = f"{where(path, call)}: {dotted(call.func)}(...)"
            if limit is not None and len(call.args) > limit:
                failures.append(f"{at} passes {len(call.args)} positional arguments, max {limit}")
            if missing:
                failures.append(f"{at} does not pass {', '.join(missing)} by keyword")
    return capped(failures)


@kind(optional=SCOPE)
def no_percent_format(repo: Repo, c: dict[str, Any]) -> list[str]:
    """No `"..." % args` formatting of a string literal in scope."""
    places = [
        f"{where(path, node)}: formats a string literal with %"
        for path, tree in repo.scope(c)
        for node in walk(tree)
        if isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mod)
        and isinstance(node.left, ast.Constant)
        and isinstance(node.left.value, str)
    ]
    return capped(places)


@kind("keys", optional=SCOPE)
def no_key_access(repo: Repo, c: dict[str, Any]) -> list[str]:
    """No `x["key"]` or `x.get("key")` with a string key from `keys` in scope."""
    places = []
    for path, tree in repo.scope(c):
        for node in walk(tree):
            key = None
            if isinstance(node, ast.Subscript):
                key = node.slice
            elif isinstance(node, ast.Call) and dotted(node.func).endswith(".get") and node.args:
                key = node.args[0]
            if isinstance(key, ast.Constant) and key.value in c["keys"]:
                places.append(f"{where(path, node)}: reads the key {key.value!r}")
    return capped(places)


@kind("count", optional=SCOPE)
def min_tests(repo: Repo, c: dict[str, Any]) -> list[str]:
    """The files in scope (default `tests/*`) define at least `count` test functions or
    methods (named test*), so a suite cannot pass by losing its tests."""
    scope = {"paths": ["tests/*"], **c}
    found = sum(
        isinstance(n, FUNCTIONS) and n.name.startswith("test")
        for _, tree in repo.scope(scope)
        for n in ast.walk(tree)
    )
    if found >= c["count"]:
        return []
    return [f"{', '.join(scope['paths'])}: {found} tests, expected at least {c['count']}"]


# -- running ----------------------------------------------------------------------------------


def validate(checks: object) -> list[dict[str, Any]]:
    """The checks of a structure file, each with a known kind and the fields it takes."""
    if not isinstance(checks, list) or not checks:
        raise SpecError("'checks' must be a non-empty list")
    for i, check in enumerate(checks):
        if not isinstance(check, dict) or check.get("kind") not in KINDS:
            raise SpecError(f"checks[{i}]: unknown kind {check!r}; known: {', '.join(KINDS)}")
        _, required, optional = KINDS[check["kind"]]
        fields = set(check) - {"kind"}
        if required - fields:
            raise SpecError(f"checks[{i}] ({check['kind']}): missing {sorted(required - fields)}")
        if fields - required - optional:
            extra = sorted(fields - required - optional)
            raise SpecError(f"checks[{i}] ({check['kind']}): unexpected {extra}")
    return checks


def run_checks(checks: object, root: Path) -> list[str]:
    """Every failure of `checks` on the repository at `root`; empty when the refactor holds.

    A file that does not parse is a failure of its own: nothing about it can be checked.
    """
    valid = validate(checks)
    repo = Repo(root)
    failures = list(repo.broken.values())
    for check in valid:
        fn = KINDS[check["kind"]][0]
        try:
            failures += fn(repo, check)
        except Missing as exc:
            failures.append(str(exc))
    return list(dict.fromkeys(failures))  # checks of one missing module say so once


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python3 astcheck.py STRUCTURE.json WORKSPACE", file=sys.stderr)
        return 2
    try:
        spec = json.loads(Path(argv[0]).read_text())
        failures = run_checks(spec.get("checks") if isinstance(spec, dict) else None, Path(argv[1]))
    except (OSError, ValueError) as exc:  # SpecError and bad JSON are ValueErrors
        print(f"{argv[0]}: {exc}", file=sys.stderr)
        return 2
    for failure in failures:
        print(f"FAIL {failure}")
    if not failures:
        print(f"ok: all {len(spec['checks'])} structural checks hold")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
