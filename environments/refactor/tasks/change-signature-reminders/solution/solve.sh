#!/bin/bash
# The new signature: schedule_reminder(event, *, before, channel="email", message=None), where
# `before` is a timedelta instead of a number of minutes.
python3 - <<'PY'
from pathlib import Path

path = Path("agenda/reminders.py")
source = path.read_text()
start = source.index("def schedule_reminder(")
end = source.index("\n\n\ndef due(")
source = source[:start] + '''def schedule_reminder(event, *, before, channel="email", message=None):
    """A reminder `before` (a timedelta) the event starts; the text defaults to the time left."""
    if before < timedelta(0):
        raise ValueError("a reminder cannot come after the event starts")
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    lead = describe_lead(before // timedelta(minutes=1))
    return Reminder(event, event.start - before, channel, message or f"{event.title} starts in {lead}")''' + source[end:]
path.write_text(source)
PY

# Every call passes the event alone positionally and the rest by keyword, minutes becoming
# timedelta(minutes=...). The calls are rewritten from their syntax trees.
python3 - <<'PY'
import ast
from pathlib import Path

NAMES = ("before", "channel", "message")
for path in sorted(Path(".").glob("*/*.py")):
    source = path.read_text()
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "schedule_reminder" and len(node.args) > 1:
            text = lambda n: ast.get_source_segment(source, n)
            first, *rest = node.args
            args = [text(first)]
            for name, arg in zip(NAMES, rest):
                value = f"timedelta(minutes={text(arg)})" if name == "before" else text(arg)
                args.append(f"{name}={value}")
            args += [text(k) for k in node.keywords]
            start = offsets[node.lineno - 1] + node.col_offset
            stop = offsets[node.end_lineno - 1] + node.end_col_offset
            edits.append((start, stop, f"schedule_reminder({', '.join(args)})"))
    if not edits:
        continue
    for start, stop, new in sorted(edits, reverse=True):
        source = source[:start] + new + source[stop:]
    imported = any(isinstance(n, ast.ImportFrom) and n.module == "datetime" and any(a.name == "timedelta" for a in n.names) for n in ast.walk(tree))
    if not imported:
        first_import = min(n.lineno for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)))
        lines = source.splitlines(keepends=True)
        lines.insert(first_import - 1, "from datetime import timedelta\n\n")
        source = "".join(lines)
    path.write_text(source)
    print(f"{path}: {len(edits)} calls")
PY

# The suite still passes.
python3 -m unittest discover -s tests -t .
