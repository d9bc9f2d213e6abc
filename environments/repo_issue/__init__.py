"""Repository issue fixing, SWE-bench compatible (docs/repo_issue.md).

Instances (official rows as JSONL, JSON or parquet) import as task directories; their images are
built in layers (base, env per repository version, instance) on first use; `agentlab swebench
eval` grades predictions the way the SWE-bench harness does. BUNDLED holds the instances of the
small repositories that ship with agentlab, with their git bundles and swebench.toml.
"""

from pathlib import Path

from agentlab.tasks import register_importer
from environments.repo_issue.importer import import_swebench

BUNDLED = Path(__file__).parent / "bundled" / "instances.jsonl"

register_importer(import_swebench)

__all__ = ["BUNDLED", "import_swebench"]
