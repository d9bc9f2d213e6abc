"""Statistics and reports over stored campaigns."""

from agentlab.analysis.stats import (
    Comparison,
    bootstrap_ci,
    iqm,
    paired_comparison,
    scores_by_task,
    stratified_bootstrap_ci,
)

__all__ = [
    "Comparison",
    "bootstrap_ci",
    "iqm",
    "paired_comparison",
    "scores_by_task",
    "stratified_bootstrap_ci",
]
