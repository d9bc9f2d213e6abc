"""docs/strategies.md: its example strategy runs as written and prints what the page says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "strategies.md"


def test_the_example_strategy_runs_and_prints_the_documented_summary(tmp_path: Path) -> None:
    text = DOC.read_text()
    [code] = [b for b in re.findall(r"```python\n(.*?)```", text, re.DOTALL) if "@strategy" in b]
    code = code.replace("/tmp/camp/plugin", str(tmp_path / "run"))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    documented = re.search(r"^retry:attempts=2 .*$", text, re.MULTILINE)
    assert documented is not None
    assert last.split()[:-2] == documented.group(0).split()[:-2]  # all but the seconds
