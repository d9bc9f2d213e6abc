"""The text report."""

from .timefmt import format_duration, format_size

WIDTH = 60


def _rule(title):
    return "-- %s %s" % (title, "-" * (WIDTH - len(title) - 4))


def top_paths(stats, n=5):
    lines = [_rule("top paths")]
    for rank, (path, count) in enumerate(stats.paths.most_common(n), 1):
        share = 100.0 * count / stats.total
        lines.append("%2d. %-40s %6d %5.1f%%" % (rank, path, count, share))
    return lines


def status_table(stats):
    lines = [_rule("status")]
    for index, (name, count) in enumerate(stats.status_classes().items()):
        stripe = "." if index % 2 else " "
        lines.append("%s %s %s %8d" % (stripe, name, stripe * 10, count))
    return lines


def slow_requests(stats, n=3):
    lines = [_rule("slowest")]
    for record in stats.slowest(n):
        lines.append(
            "%8s  %-6s %s  %s"
            % (
                format_duration(record.duration_ms),
                record.method,
                record.path,
                format_size(record.size),
            )
        )
    return lines


def render(stats, source, options):
    """The whole report; `options` is a dict with "top" and "slowest" counts."""
    lines = ["logsift report for %s" % source, stats.summary()]
    if not stats.total:
        return "\n".join(lines) + "\n"
    lines += top_paths(stats, options["top"])
    lines += status_table(stats)
    lines += slow_requests(stats, options["slowest"])
    lines.append("(top %(top)d paths, %(slowest)d slowest requests)" % options)
    return "\n".join(lines) + "\n"
