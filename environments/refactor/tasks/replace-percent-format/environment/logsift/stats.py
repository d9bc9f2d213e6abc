"""Aggregates over parsed records."""

from collections import Counter


def percentile(values, pct):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


class Stats:
    def __init__(self, records):
        self.records = list(records)
        self.status = Counter(r.status for r in self.records)
        self.paths = Counter(r.path for r in self.records)
        self.ips = Counter(r.ip for r in self.records)

    @property
    def total(self):
        return len(self.records)

    @property
    def error_rate(self):
        errors = sum(1 for r in self.records if r.is_error)
        return 100.0 * errors / self.total if self.total else 0.0

    def status_classes(self):
        """Counts per class: {"2xx": 10, "5xx": 1}."""
        classes = Counter()
        for status, count in self.status.items():
            classes["%dxx" % (status // 100)] += count
        return dict(sorted(classes.items()))

    def slowest(self, n=3):
        return sorted(self.records, key=lambda r: (-r.duration_ms, r.path))[:n]

    def latency(self, pct):
        return percentile([r.duration_ms for r in self.records], pct)

    def summary(self):
        if not self.total:
            return "no requests"
        return "%d requests from %d clients, %.1f%% errors, p95 %d ms" % (
            self.total,
            len(self.ips),
            self.error_rate,
            self.latency(95),
        )
