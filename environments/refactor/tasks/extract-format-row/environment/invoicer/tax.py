"""Tax rates and the sums every document needs."""

from .money import round_half_up

RATES = {"standard": 0.20, "reduced": 0.05, "zero": 0.0}


def tax_rate(code):
    try:
        return RATES[code]
    except KeyError:
        raise ValueError(f"unknown tax code {code!r}") from None


def line_totals(line):
    """(net, tax) of one line, each rounded to cents."""
    net = round_half_up(line.quantity * line.unit_price)
    return net, round_half_up(net * tax_rate(line.tax_code))


def document_totals(lines):
    """(subtotal, tax, total) of a list of lines."""
    subtotal = tax = 0.0
    for line in lines:
        net, line_tax = line_totals(line)
        subtotal += net
        tax += line_tax
    subtotal, tax = round_half_up(subtotal), round_half_up(tax)
    return subtotal, tax, round_half_up(subtotal + tax)
