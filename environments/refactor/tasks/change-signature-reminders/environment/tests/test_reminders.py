import unittest
from datetime import datetime, timedelta

from agenda import Event, schedule_reminder
from agenda.reminders import describe_lead, due

STANDUP = Event("Standup", datetime(2024, 5, 6, 9, 30), timedelta(minutes=15))


class ScheduleTest(unittest.TestCase):
    def test_time_and_default_text(self):
        reminder = schedule_reminder(STANDUP, 90)
        self.assertEqual(reminder.at, datetime(2024, 5, 6, 8, 0))
        self.assertEqual(reminder.channel, "email")
        self.assertEqual(reminder.text, "Standup starts in 1 h 30 min")

    def test_channel_and_message(self):
        reminder = schedule_reminder(STANDUP, 5, "sms", "Grab coffee")
        self.assertEqual((reminder.channel, reminder.text), ("sms", "Grab coffee"))

    def test_at_the_start(self):
        self.assertEqual(schedule_reminder(STANDUP, 0, "popup").at, STANDUP.start)

    def test_rejects_reminders_after_the_start(self):
        with self.assertRaises(ValueError):
            schedule_reminder(STANDUP, -1)

    def test_rejects_unknown_channels(self):
        with self.assertRaises(ValueError):
            schedule_reminder(STANDUP, 10, "pigeon")

    def test_due(self):
        early = schedule_reminder(STANDUP, 60)
        late = schedule_reminder(STANDUP, 10)
        now = datetime(2024, 5, 6, 9, 0)
        self.assertEqual(due([late, early], now), [early])


class DescribeLeadTest(unittest.TestCase):
    def test_forms(self):
        self.assertEqual(
            [describe_lead(m) for m in (0, 45, 120, 150, 1440, 4320)],
            ["0 min", "45 min", "2 h", "2 h 30 min", "1 day", "3 days"],
        )
