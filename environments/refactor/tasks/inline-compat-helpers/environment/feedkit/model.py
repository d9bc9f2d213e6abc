"""Feeds and their entries."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import List, Optional


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    published: Optional[datetime] = None
    source: str = ""
    tags: tuple = ()


@dataclass
class Feed:
    title: str
    link: str
    entries: List[Entry] = field(default_factory=list)
