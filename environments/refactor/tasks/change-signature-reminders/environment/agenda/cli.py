"""Command line: python3 -m agenda.cli remind TITLE --at "2024-05-01 14:30" [--before 30]."""

import argparse
import sys

from .models import Event, parse_when
from .reminders import CHANNELS, schedule_reminder


def build_parser():
    parser = argparse.ArgumentParser(prog="agenda")
    sub = parser.add_subparsers(dest="command", required=True)
    remind = sub.add_parser("remind", help="when a reminder for an event goes out")
    remind.add_argument("title")
    remind.add_argument("--at", required=True, type=parse_when, help="event start")
    remind.add_argument("--before", type=int, default=15, help="minutes before the start")
    remind.add_argument("--via", choices=CHANNELS, default="email")
    remind.add_argument("--message")
    return parser


def main(argv=None, out=sys.stdout):
    args = build_parser().parse_args(argv)
    event = Event(args.title, args.at)
    reminder = schedule_reminder(event, args.before, args.via, args.message)
    print(f"{reminder.at:%Y-%m-%d %H:%M} via {reminder.channel}: {reminder.text}", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
