import unittest
from datetime import date, datetime, timedelta

from agenda import Event
from agenda.planner import day_agenda, reminders_for

REVIEW = Event("Review", datetime(2024, 5, 7, 14, 0), attendees=("kim", "lee"))
LUNCH = Event("Lunch", datetime(2024, 5, 7, 12, 30))


class PlannerTest(unittest.TestCase):
    def test_popup_for_every_event(self):
        [popup] = reminders_for(LUNCH)
        self.assertEqual((popup.channel, popup.at), ("popup", datetime(2024, 5, 7, 12, 20)))

    def test_email_the_day_before_when_others_attend(self):
        popup, email = reminders_for(REVIEW)
        self.assertEqual(email.at, datetime(2024, 5, 6, 14, 0))
        self.assertEqual(email.text, "Tomorrow: Review with kim, lee")

    def test_day_agenda_marks_clashes(self):
        clash = Event("Call", datetime(2024, 5, 7, 14, 30), timedelta(minutes=20))
        other_day = Event("Gym", datetime(2024, 5, 8, 7, 0))
        self.assertEqual(
            day_agenda([REVIEW, clash, LUNCH, other_day], date(2024, 5, 7)),
            [" 12:30-13:30 Lunch", "!14:00-15:00 Review", "!14:30-14:50 Call"],
        )
