"""Command line: python3 -m taskq.cli [--file F] {add,done,list,overdue} ..."""

import argparse
import sys
from datetime import date

from .core import (
    Priority,
    Task,
    TaskError,
    filter_tasks,
    find_task,
    format_table,
    format_task,
    load_tasks,
    next_id,
    overdue,
    save_tasks,
)


def build_parser():
    parser = argparse.ArgumentParser(prog="taskq")
    parser.add_argument("--file", default="tasks.json")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add")
    add.add_argument("title")
    add.add_argument("--priority", type=Priority.parse, default=Priority.NORMAL)
    add.add_argument("--due", type=date.fromisoformat)
    add.add_argument("--tag", action="append", default=[])
    done = sub.add_parser("done")
    done.add_argument("id", type=int)
    listing = sub.add_parser("list")
    listing.add_argument("--tag")
    listing.add_argument("--open", action="store_true")
    sub.add_parser("overdue")
    return parser


def main(argv=None, out=sys.stdout):
    args = build_parser().parse_args(argv)
    today = args.today or date.today()
    try:
        tasks = load_tasks(args.file)
        if args.command == "add":
            task = Task(next_id(tasks), args.title, args.priority, args.due, tuple(args.tag))
            save_tasks(args.file, tasks + [task])
            print(f"added {format_task(task, today)}", file=out)
        elif args.command == "done":
            task = find_task(tasks, args.id).completed()
            save_tasks(args.file, [task if t.id == task.id else t for t in tasks])
            print(f"done {format_task(task, today)}", file=out)
        elif args.command == "list":
            shown = filter_tasks(tasks, tag=args.tag, done=False if args.open else None)
            print(format_table(shown, today), file=out)
        else:
            print(format_table(overdue(tasks, today), today), file=out)
    except TaskError as exc:
        print(f"taskq: {exc}", file=out)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
