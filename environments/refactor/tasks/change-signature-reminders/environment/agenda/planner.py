"""Default reminders and day agendas."""

from .reminders import schedule_reminder

POPUP_MINUTES = 10
EMAIL_MINUTES = 24 * 60


def reminders_for(event):
    """A popup shortly before every event, and an email the day before when others attend."""
    reminders = [schedule_reminder(event, POPUP_MINUTES, "popup")]
    if event.attendees:
        who = ", ".join(event.attendees)
        reminders.append(
            schedule_reminder(event, EMAIL_MINUTES, "email", f"Tomorrow: {event.title} with {who}")
        )
    return reminders


def day_agenda(events, day):
    """The day's events in order, each as `HH:MM-HH:MM title`, clashes marked with `!`."""
    todays = sorted((e for e in events if e.start.date() == day), key=lambda e: e.start)
    lines = []
    for event in todays:
        clash = any(o is not event and o.overlaps(event) for o in todays)
        mark = "!" if clash else " "
        lines.append(f"{mark}{event.start:%H:%M}-{event.end:%H:%M} {event.title}")
    return lines
