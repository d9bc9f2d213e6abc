"""Command line: python3 -m logsift.cli ACCESS_LOG [--top N] [--slowest N] [--strict]."""

import argparse
import logging
import sys

from .parse import parse_lines
from .report import render
from .stats import Stats

log = logging.getLogger("logsift")


def main(argv=None, out=sys.stdout, err=sys.stderr):
    parser = argparse.ArgumentParser(prog="logsift")
    parser.add_argument("log")
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--slowest", type=int, default=3)
    parser.add_argument("--strict", action="store_true", help="stop at the first bad line")
    args = parser.parse_args(argv)
    try:
        with open(args.log, encoding="utf-8") as handle:
            records, bad = parse_lines(handle, strict=args.strict)
    except (OSError, ValueError) as exc:
        print("logsift: %s" % exc, file=err)
        return 1
    log.info("parsed %d records from %s", len(records), args.log)
    if bad:
        print("logsift: skipped %d unparseable line%s" % (bad, "" if bad == 1 else "s"), file=err)
    options = {"top": args.top, "slowest": args.slowest}
    out.write(render(Stats(records), args.log, options))
    return 0


if __name__ == "__main__":
    sys.exit(main())
