"""Plain-text rendering of invoices and credit notes, one table row per line item."""

from .money import format_money
from .tax import document_totals, line_totals

DESCRIPTION_WIDTH = 28
HEADER = f"{'Description':<{DESCRIPTION_WIDTH}} {'Qty':>5} {'Price':>11} {'Net':>11} {'Tax':>9}"
RULE = "-" * len(HEADER)


def render_invoice(invoice):
    currency = invoice.currency
    out = [
        f"INVOICE {invoice.number}",
        f"Date: {invoice.issued.isoformat()}",
        f"Bill to: {invoice.customer.name}",
    ]
    if invoice.customer.vat_number:
        out.append(f"VAT no.: {invoice.customer.vat_number}")
    out += ["", HEADER, RULE]
    for line in invoice.lines:
        net, tax = line_totals(line)
        description = line.description
        if len(description) > DESCRIPTION_WIDTH:
            description = description[: DESCRIPTION_WIDTH - 3] + "..."
        out.append(
            f"{description:<{DESCRIPTION_WIDTH}} {line.quantity:>5g} "
            f"{format_money(line.unit_price, currency):>11} "
            f"{format_money(net, currency):>11} {format_money(tax, currency):>9}"
        )
    out.append(RULE)
    subtotal, tax, total = document_totals(invoice.lines)
    out.append(f"{'Subtotal':>46} {format_money(subtotal, currency):>11}")
    out.append(f"{'Tax':>46} {format_money(tax, currency):>11}")
    out.append(f"{'Total':>46} {format_money(total, currency):>11}")
    if invoice.due is not None:
        out += ["", f"Payment due by {invoice.due.isoformat()}."]
    return "\n".join(out)


def render_credit_note(note):
    currency = note.currency
    out = [
        f"CREDIT NOTE {note.number}",
        f"Date: {note.issued.isoformat()}",
        f"Credits invoice {note.invoice.number} of {note.invoice.customer.name}",
        f"Reason: {note.reason}",
        "",
        HEADER,
        RULE,
    ]
    for line in note.lines:
        net, tax = line_totals(line)
        description = line.description
        if len(description) > DESCRIPTION_WIDTH:
            description = description[: DESCRIPTION_WIDTH - 3] + "..."
        out.append(
            f"{description:<{DESCRIPTION_WIDTH}} {line.quantity:>5g} "
            f"{format_money(-line.unit_price, currency):>11} "
            f"{format_money(-net, currency):>11} {format_money(-tax, currency):>9}"
        )
    out.append(RULE)
    _, _, total = document_totals(note.lines)
    out.append(f"{'Total credited':>46} {format_money(-total, currency):>11}")
    return "\n".join(out)
