"""Parsing access log lines (common log format plus a trailing duration in milliseconds)."""

import re
from dataclasses import dataclass
from datetime import datetime

LINE = re.compile(
    r'(?P<ip>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" '
    r"(?P<status>\d{3}) (?P<size>\d+|-) (?P<duration>\d+)$"
)
TIME = "%d/%b/%Y:%H:%M:%S %z"


@dataclass(frozen=True)
class Record:
    ip: str
    time: datetime
    method: str
    path: str
    status: int
    size: int
    duration_ms: int

    @property
    def is_error(self):
        return self.status >= 500

    def describe(self):
        return "%s %s -> %d (%d ms)" % (self.method, self.path, self.status, self.duration_ms)


def parse_line(line, lineno=1):
    match = LINE.match(line.strip())
    if match is None:
        raise ValueError("line %d: cannot parse %r" % (lineno, line.strip()))
    size = match["size"]
    return Record(
        ip=match["ip"],
        time=datetime.strptime(match["time"], TIME),
        method=match["method"],
        path=match["path"].split("?", 1)[0],
        status=int(match["status"]),
        size=0 if size == "-" else int(size),
        duration_ms=int(match["duration"]),
    )


def parse_lines(lines, strict=False):
    """Records of the lines that parse; with strict, the first bad line raises."""
    records, bad = [], 0
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            records.append(parse_line(line, lineno))
        except ValueError:
            if strict:
                raise
            bad += 1
    return records, bad
