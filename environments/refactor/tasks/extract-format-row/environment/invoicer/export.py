"""CSV export for the accounting system."""

import csv
import io

from .tax import document_totals, line_totals

FIELDS = ["invoice", "description", "quantity", "unit_price", "tax_code", "net", "tax"]


def invoice_csv(invoice):
    """One CSV row per line item, then a summary row; amounts with two decimals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    for line in invoice.lines:
        net, tax = line_totals(line)
        writer.writerow(
            [
                invoice.number,
                line.description,
                f"{line.quantity:g}",
                f"{line.unit_price:.2f}",
                line.tax_code,
                f"{net:.2f}",
                f"{tax:.2f}",
            ]
        )
    subtotal, tax, _ = document_totals(invoice.lines)
    writer.writerow([invoice.number, "TOTAL", "", "", "", f"{subtotal:.2f}", f"{tax:.2f}"])
    return buffer.getvalue()
