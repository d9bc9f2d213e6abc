import io
import unittest
from datetime import datetime

from agenda import Event
from agenda.cli import main
from agenda.ics import event_lines, to_ics

DEMO = Event("Demo", datetime(2024, 5, 9, 16, 0), location="Room 4", attendees=("ana",))


class IcsTest(unittest.TestCase):
    def test_alarms(self):
        lines = event_lines(DEMO, extra_alarm_minutes=120)
        triggers = [line for line in lines if line.startswith("TRIGGER:")]
        self.assertEqual(triggers, ["TRIGGER:-PT10M", "TRIGGER:-PT1440M", "TRIGGER:-PT120M"])
        self.assertIn("ACTION:EMAIL", lines)
        self.assertIn("DESCRIPTION:Demo starts in 2 h", lines)

    def test_calendar(self):
        text = to_ics([DEMO])
        self.assertTrue(text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        self.assertIn("LOCATION:Room 4\r\n", text)
        self.assertTrue(text.endswith("END:VCALENDAR\r\n"))


class CliTest(unittest.TestCase):
    def run_cli(self, *argv):
        out = io.StringIO()
        self.assertEqual(main(list(argv), out=out), 0)
        return out.getvalue()

    def test_remind(self):
        self.assertEqual(
            self.run_cli("remind", "Dentist", "--at", "2024-05-10 08:15", "--before", "60"),
            "2024-05-10 07:15 via email: Dentist starts in 1 h\n",
        )

    def test_remind_with_channel_and_message(self):
        self.assertEqual(
            self.run_cli(
                "remind",
                "Train",
                "--at",
                "2024-05-10 18:02",
                "--via",
                "sms",
                "--message",
                "Platform 9",
            ),
            "2024-05-10 17:47 via sms: Platform 9\n",
        )
