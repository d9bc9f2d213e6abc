"""Command line: python3 -m stockroom.cli CATALOG.csv {report,cover,item SKU}."""

import argparse
import sys

from . import planning, report
from .catalog import load_catalog


def build_parser():
    parser = argparse.ArgumentParser(prog="stockroom")
    parser.add_argument("catalog", help="CSV file with the catalog")
    parser.add_argument("--horizon", type=int, default=30, help="days to plan for")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("report", help="what to reorder")
    sub.add_parser("cover", help="days of cover per item")
    item = sub.add_parser("item", help="the plan for one item")
    item.add_argument("sku")
    return parser


def main(argv=None, out=sys.stdout):
    args = build_parser().parse_args(argv)
    catalog = load_catalog(args.catalog)
    if args.command == "report":
        print(report.reorder_report(catalog, args.horizon), file=out)
    elif args.command == "cover":
        print(report.cover_report(catalog), file=out)
    else:
        item = catalog.get(args.sku)
        qty = planning.calc_reorder_qty(item, args.horizon)
        print(f"{item.sku} {item.name}: on hand {item.on_hand}, order {qty}", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
