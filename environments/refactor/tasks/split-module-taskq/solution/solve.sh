#!/bin/bash
# Split taskq/core.py along its sections into models.py, storage.py, queries.py and
# formatting.py, each importing what it uses, then delete core.py.
python3 - <<'PY'
import re
from pathlib import Path

core = Path("taskq/core.py").read_text()
sections = dict(re.findall(r"# -- (\w+) -+\n\n(.*?)(?=\n# -- |\Z)", core, re.S))
HEADERS = {
    "models": '''"""The task model: tasks, their priorities and the errors about them."""

from dataclasses import dataclass, field, replace
from datetime import date
from enum import IntEnum
from typing import Optional, Tuple
''',
    "storage": '''"""Task lists stored as JSON files."""

import json
import os
import tempfile
from datetime import date

from .models import Priority, Task, TaskError
''',
    "queries": '''"""Finding, filtering and ordering tasks."""

from datetime import date

from .models import TaskError
''',
    "formatting": '''"""Tasks and task lists as text."""

from .models import Priority
from .queries import sort_tasks
''',
}
sections["models"] = sections.pop("model")
for name, header in HEADERS.items():
    Path(f"taskq/{name}.py").write_text(header + "\n\n" + sections[name].strip("\n") + "\n")
Path("taskq/core.py").unlink()
PY

# Every import from core names the module that now holds each name.
python3 - <<'PY'
import ast
from pathlib import Path

HOME = {}
for module in ("models", "storage", "queries", "formatting"):
    tree = ast.parse(Path(f"taskq/{module}.py").read_text())
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            HOME[node.name] = module
for path in [*Path("taskq").glob("*.py"), *Path("tests").glob("*.py")]:
    source = path.read_text()
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    for node in reversed(tree.body):
        if isinstance(node, ast.ImportFrom) and node.module in ("core", "taskq.core"):
            prefix = "." if node.level else "taskq."
            groups = {}
            for alias in node.names:
                groups.setdefault(HOME[alias.name], []).append(alias.name)
            new = [f"from {prefix}{m} import {', '.join(sorted(n))}\n" for m, n in sorted(groups.items())]
            lines[node.lineno - 1 : node.end_lineno] = new
    path.write_text("".join(lines))
PY

# The suite still passes.
python3 -m unittest discover -s tests -t .
