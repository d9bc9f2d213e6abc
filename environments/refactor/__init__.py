"""Refactoring tasks: multi-file refactors of small bundled Python repositories.

Each task's verifier runs the repository's own tests and a hidden behaviour test, then checks
the refactor's structure on the syntax trees with the family's one checker, `astcheck.py`.
"""

from pathlib import Path

TASKS_DIR = Path(__file__).parent / "tasks"

__all__ = ["TASKS_DIR"]
