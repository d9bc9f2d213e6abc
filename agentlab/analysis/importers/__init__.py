"""Trajectories of other agents as agentlab trajectories and run directories (docs/importers.md).

One importer per source format (IMPORTERS, by the name `agentlab import` takes); import_files
writes what they read into a run directory, and export_predictions turns any run directory's
answers into SWE-bench predictions.
"""

from agentlab.analysis.importers.mini_swe_agent import import_mini_swe_agent
from agentlab.analysis.importers.run_dir import Importer, export_predictions, import_files
from agentlab.analysis.importers.swe_agent import import_swe_agent

IMPORTERS: dict[str, Importer] = {
    "swe-agent": import_swe_agent,
    "mini-swe-agent": import_mini_swe_agent,
}

__all__ = [
    "IMPORTERS",
    "Importer",
    "export_predictions",
    "import_files",
    "import_mini_swe_agent",
    "import_swe_agent",
]
