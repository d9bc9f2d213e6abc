"""Calendar events."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Tuple

FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Event:
    title: str
    start: datetime
    duration: timedelta = timedelta(hours=1)
    attendees: Tuple[str, ...] = ()
    location: str = ""

    @property
    def end(self):
        return self.start + self.duration

    def overlaps(self, other):
        return self.start < other.end and other.start < self.end


def parse_when(text):
    """`2024-05-01 14:30` as a datetime; a clear error otherwise."""
    try:
        return datetime.strptime(text, FORMAT)
    except ValueError:
        raise ValueError(f"expected a time like 2024-05-01 14:30, got {text!r}") from None
