"""Parallel-tools tasks: ParallelQA-like questions answered with slow lookups and a calculator.

Each answer needs 3 to 8 lookups, some independent of each other and some whose key comes from
another's output, so a planner that runs independent calls at once beats one call at a time.
The tasks are written by `make_tasks.py`; each carries its oracle twice, as sequential steps
(solution/solve.sh) and as a DAG plan (solution/plan.txt).
"""

from pathlib import Path

TASKS_DIR = Path(__file__).parent / "tasks"

__all__ = ["TASKS_DIR"]
