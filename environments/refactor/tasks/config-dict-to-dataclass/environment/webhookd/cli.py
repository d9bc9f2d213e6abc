"""Command line: python3 -m webhookd.cli show-config [--config FILE]."""

import argparse
import sys

from .config import ConfigError, load_config


def main(argv=None, env=None, out=sys.stdout):
    parser = argparse.ArgumentParser(prog="webhookd")
    parser.add_argument("command", choices=["show-config"])
    parser.add_argument("--config")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config, env)
    except ConfigError as exc:
        print(f"webhookd: {exc}", file=out)
        return 2
    for key in sorted(config):
        value = "***" if key == "secret" and config[key] else config[key]
        print(f"{key} = {value}", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
