"""ML experimentation tasks: improve, tune, fix, speed up or de-leak small CPU-only models.

Each task's verifier re-runs the workspace's code on hidden data and scores it on the RE-Bench
scale between the starting code and a reference solution (`rescore.py`, shared by all verifiers;
`datagen.py` makes their data). docs/ml_experiment.md describes the family.
"""

from pathlib import Path

TASKS_DIR = Path(__file__).parent / "tasks"

__all__ = ["TASKS_DIR"]
