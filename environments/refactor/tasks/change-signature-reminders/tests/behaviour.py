import inspect
import io
import unittest
from datetime import datetime, timedelta

from agenda import Event, schedule_reminder
from agenda.cli import main
from agenda.ics import event_lines
from agenda.planner import reminders_for

SHOW = Event("Show", datetime(2024, 6, 1, 20, 0), attendees=("jo",))


class NewSignatureTest(unittest.TestCase):
    def test_the_signature(self):
        params = inspect.signature(schedule_reminder).parameters
        self.assertEqual(list(params), ["event", "before", "channel", "message"])
        self.assertEqual(params["event"].kind, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        for name in ("before", "channel", "message"):
            self.assertEqual(params[name].kind, inspect.Parameter.KEYWORD_ONLY, name)
        self.assertIs(params["before"].default, inspect.Parameter.empty)
        self.assertEqual(params["channel"].default, "email")
        self.assertIsNone(params["message"].default)

    def test_before_is_a_timedelta(self):
        reminder = schedule_reminder(SHOW, before=timedelta(hours=2, minutes=5))
        self.assertEqual(reminder.at, datetime(2024, 6, 1, 17, 55))
        self.assertEqual((reminder.channel, reminder.text), ("email", "Show starts in 2 h 5 min"))
        reminder = schedule_reminder(
            SHOW, before=timedelta(days=2), channel="sms", message="Tickets!"
        )
        self.assertEqual(
            (reminder.at.day, reminder.channel, reminder.text), (30, "sms", "Tickets!")
        )
        self.assertEqual(
            schedule_reminder(event=SHOW, before=timedelta(0)).text, "Show starts in 0 min"
        )

    def test_old_style_calls_fail(self):
        with self.assertRaises(TypeError):
            schedule_reminder(SHOW, timedelta(minutes=5))
        with self.assertRaises(TypeError):
            schedule_reminder(SHOW)

    def test_validation_is_unchanged(self):
        with self.assertRaises(ValueError):
            schedule_reminder(SHOW, before=timedelta(minutes=-1))
        with self.assertRaises(ValueError):
            schedule_reminder(SHOW, before=timedelta(minutes=1), channel="fax")


class CallersTest(unittest.TestCase):
    def test_planner_and_export(self):
        popup, email = reminders_for(SHOW)
        self.assertEqual(
            (popup.at, popup.text), (datetime(2024, 6, 1, 19, 50), "Show starts in 10 min")
        )
        self.assertEqual(
            (email.at, email.text), (datetime(2024, 5, 31, 20, 0), "Tomorrow: Show with jo")
        )
        triggers = [
            line for line in event_lines(SHOW, extra_alarm_minutes=45) if line.startswith("TRIGGER")
        ]
        self.assertEqual(triggers, ["TRIGGER:-PT10M", "TRIGGER:-PT1440M", "TRIGGER:-PT45M"])

    def test_cli(self):
        out = io.StringIO()
        main(
            ["remind", "Show", "--at", "2024-06-01 20:00", "--before", "1440", "--via", "popup"],
            out=out,
        )
        self.assertEqual(out.getvalue(), "2024-05-31 20:00 via popup: Show starts in 1 day\n")
