#!/bin/bash
# Each %-formatting of a string literal becomes an f-string with the same conversions: %d of a
# value that may be a float truncates it (int(...)), %-40s pads left (:<40), %8s right (:>8),
# %r is !r and %% a plain %. `log.info("...", args)` and the strptime format are not % formatting.
python3 - <<'PY'
from pathlib import Path

EDITS = {
    "logsift/parse.py": [
        ('"%s %s -> %d (%d ms)" % (self.method, self.path, self.status, self.duration_ms)',
         'f"{self.method} {self.path} -> {self.status} ({self.duration_ms} ms)"'),
        ('"line %d: cannot parse %r" % (lineno, line.strip())',
         'f"line {lineno}: cannot parse {line.strip()!r}"'),
    ],
    "logsift/timefmt.py": [
        ('"%dms" % ms', 'f"{int(ms)}ms"'),
        ('"%.3fs" % seconds', 'f"{seconds:.3f}s"'),
        ('"%dm%02ds" % (minutes, seconds)', 'f"{minutes}m{seconds:02d}s"'),
        ('return "%dh%02dm" % divmod(minutes, 60)',
         'hours, minutes = divmod(minutes, 60)\n    return f"{hours}h{minutes:02d}m"'),
        ('"%d %s" % (size, unit)', 'f"{int(size)} {unit}"'),
        ('"%.1f %s" % (value, unit)', 'f"{value:.1f} {unit}"'),
    ],
    "logsift/stats.py": [
        ('"%dxx" % (status // 100)', 'f"{status // 100}xx"'),
        ('''"%d requests from %d clients, %.1f%% errors, p95 %d ms" % (
            self.total,
            len(self.ips),
            self.error_rate,
            self.latency(95),
        )''', '''(
            f"{self.total} requests from {len(self.ips)} clients, "
            f"{self.error_rate:.1f}% errors, p95 {self.latency(95)} ms"
        )'''),
    ],
    "logsift/report.py": [
        ('"-- %s %s" % (title, "-" * (WIDTH - len(title) - 4))',
         'f"-- {title} {\'-\' * (WIDTH - len(title) - 4)}"'),
        ('"%2d. %-40s %6d %5.1f%%" % (rank, path, count, share)',
         'f"{rank:2d}. {path:<40} {count:6d} {share:5.1f}%"'),
        ('"%s %s %s %8d" % (stripe, name, stripe * 10, count)',
         'f"{stripe} {name} {stripe * 10} {count:8d}"'),
        ('''"%8s  %-6s %s  %s"
            % (
                format_duration(record.duration_ms),
                record.method,
                record.path,
                format_size(record.size),
            )''', '''f"{format_duration(record.duration_ms):>8}  {record.method:<6} {record.path}  "
            f"{format_size(record.size)}"'''),
        ('"logsift report for %s" % source', 'f"logsift report for {source}"'),
        ('"(top %(top)d paths, %(slowest)d slowest requests)" % options',
         'f"(top {options[\'top\']} paths, {options[\'slowest\']} slowest requests)"'),
    ],
    "logsift/cli.py": [
        ('"logsift: %s" % exc', 'f"logsift: {exc}"'),
        ('"logsift: skipped %d unparseable line%s" % (bad, "" if bad == 1 else "s")',
         'f"logsift: skipped {bad} unparseable line{\'\' if bad == 1 else \'s\'}"'),
    ],
}
for name, edits in EDITS.items():
    path = Path(name)
    source = path.read_text()
    for old, new in edits:
        assert source.count(old) == 1, f"{name}: {old!r}"
        source = source.replace(old, new)
    path.write_text(source)
PY

# Nothing formats with % any more (the strptime format and the modulo stay).
! grep -nE '"[^"]*" *%|^\s*% \(' logsift/*.py

# The suite still passes.
python3 -m unittest discover -s tests -t .
