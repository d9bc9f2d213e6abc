"""Reminders: when to nudge someone about an event, over which channel, saying what."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from .models import Event

CHANNELS = ("email", "sms", "popup")


@dataclass(frozen=True)
class Reminder:
    event: Event
    at: datetime
    channel: str
    text: str


def describe_lead(minutes):
    """`45 min`, `2 h`, `1 h 30 min`, `1 day`, `3 days`."""
    if minutes and minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return f"{days} day" if days == 1 else f"{days} days"
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} h"] if hours else []
    if rest or not hours:
        parts.append(f"{rest} min")
    return " ".join(parts)


def schedule_reminder(event, minutes_before, channel="email", message=None):
    """A reminder `minutes_before` the event starts; the text defaults to the time left."""
    if minutes_before < 0:
        raise ValueError("a reminder cannot come after the event starts")
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    at = event.start - timedelta(minutes=minutes_before)
    text = message or f"{event.title} starts in {describe_lead(minutes_before)}"
    return Reminder(event, at, channel, text)


def due(reminders, now):
    """The reminders whose time has come, earliest first."""
    return sorted((r for r in reminders if r.at <= now), key=lambda r: r.at)
