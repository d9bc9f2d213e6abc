"""iCalendar export with one VALARM per reminder."""

from .planner import reminders_for
from .reminders import schedule_reminder

STAMP = "%Y%m%dT%H%M%S"


def _trigger(reminder):
    minutes = int((reminder.event.start - reminder.at).total_seconds() // 60)
    return f"-PT{minutes}M"


def _alarm(reminder):
    action = "EMAIL" if reminder.channel == "email" else "DISPLAY"
    return [
        "BEGIN:VALARM",
        f"ACTION:{action}",
        f"TRIGGER:{_trigger(reminder)}",
        f"DESCRIPTION:{reminder.text}",
        "END:VALARM",
    ]


def event_lines(event, extra_alarm_minutes=None):
    """The VEVENT of `event` with its default reminders, plus an optional extra popup."""
    reminders = reminders_for(event)
    if extra_alarm_minutes is not None:
        reminders.append(schedule_reminder(event, extra_alarm_minutes, "popup"))
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{event.title}",
        f"DTSTART:{event.start.strftime(STAMP)}",
        f"DTEND:{event.end.strftime(STAMP)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{event.location}")
    for reminder in reminders:
        lines += _alarm(reminder)
    lines.append("END:VEVENT")
    return lines


def to_ics(events):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//agenda//EN"]
    for event in events:
        lines += event_lines(event)
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
