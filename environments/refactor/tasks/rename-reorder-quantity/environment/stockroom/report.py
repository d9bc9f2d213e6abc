"""Plain-text reports for the purchasing team."""

from .planning import calc_reorder_qty, days_of_cover


def reorder_lines(catalog, horizon_days=30):
    """(sku, name, quantity, cost) for every item that needs ordering, biggest spend first."""
    lines = []
    for item in catalog:
        qty = calc_reorder_qty(item, horizon_days)
        if qty:
            lines.append((item.sku, item.name, qty, round(qty * item.unit_cost, 2)))
    return sorted(lines, key=lambda line: (-line[3], line[0]))


def reorder_report(catalog, horizon_days=30):
    lines = reorder_lines(catalog, horizon_days)
    if not lines:
        return "Nothing to reorder."
    out = [f"{'SKU':<8} {'ITEM':<20} {'QTY':>6} {'COST':>10}"]
    for sku, name, qty, cost in lines:
        out.append(f"{sku:<8} {name:<20} {qty:>6} {cost:>10.2f}")
    total = sum(line[3] for line in lines)
    out.append(f"{'TOTAL':<36} {total:>10.2f}")
    return "\n".join(out)


def cover_report(catalog):
    out = []
    for item in catalog:
        cover = days_of_cover(item)
        shown = "no demand" if cover == float("inf") else f"{cover:.1f} days"
        out.append(f"{item.sku}: {shown}")
    return "\n".join(out)
