"""agenda: events, reminders and exports for a personal calendar."""

from .models import Event
from .reminders import Reminder, schedule_reminder

__all__ = ["Event", "Reminder", "schedule_reminder"]
