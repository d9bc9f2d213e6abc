"""logsift: summaries of web server access logs."""

from .parse import Record, parse_line, parse_lines
from .stats import Stats

__all__ = ["Record", "Stats", "parse_line", "parse_lines"]
