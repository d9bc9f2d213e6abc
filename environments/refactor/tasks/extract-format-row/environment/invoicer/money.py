"""Rounding and display of amounts of money."""

from decimal import ROUND_HALF_UP, Decimal

SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$"}


def round_half_up(amount):
    """Rounds to cents the way accountants do (0.125 -> 0.13), not banker's rounding."""
    return float(Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def format_money(amount, currency):
    """`€1,234.50`; negative amounts as `-€12.00`; unknown currencies as `1.00 CHF`."""
    amount = round_half_up(amount)
    digits = f"{abs(amount):,.2f}"
    sign = "-" if amount < 0 else ""
    if currency in SYMBOLS:
        return f"{sign}{SYMBOLS[currency]}{digits}"
    return f"{sign}{digits} {currency}"
