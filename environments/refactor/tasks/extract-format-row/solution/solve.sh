#!/bin/bash
# Extract the row-building block shared by render_invoice and render_credit_note into
# format_row(line, currency, sign=1), and make both call it.
python3 - <<'PY'
from pathlib import Path

path = Path("invoicer/render.py")
source = path.read_text()
block = '''        net, tax = line_totals(line)
        description = line.description
        if len(description) > DESCRIPTION_WIDTH:
            description = description[: DESCRIPTION_WIDTH - 3] + "..."
        out.append(
            f"{description:<{DESCRIPTION_WIDTH}} {line.quantity:>5g} "
            f"{format_money({minus}line.unit_price, currency):>11} "
            f"{format_money({minus}net, currency):>11} {format_money({minus}tax, currency):>9}"
        )
'''
for minus in ("", "-"):
    old = block.replace("{minus}", minus)
    assert source.count(old) == 1, f"row block with sign {minus!r} not found"
    source = source.replace(old, "        out.append(format_row(line, currency{}))\n".format(", sign=-1" if minus else ""))
helper = '''

def format_row(line, currency, sign=1):
    """One table row for `line`; `sign` -1 shows its amounts negated, as credit notes do."""
    net, tax = line_totals(line)
    description = line.description
    if len(description) > DESCRIPTION_WIDTH:
        description = description[: DESCRIPTION_WIDTH - 3] + "..."
    return (
        f"{description:<{DESCRIPTION_WIDTH}} {line.quantity:>5g} "
        f"{format_money(sign * line.unit_price, currency):>11} "
        f"{format_money(sign * net, currency):>11} {format_money(sign * tax, currency):>9}"
    )
'''
marker = 'RULE = "-" * len(HEADER)\n'
source = source.replace(marker, marker + helper)
path.write_text(source)
PY

# The suite still passes.
python3 -m unittest discover -s tests -t .
