"""Replenishment planning: how long stock lasts and how much to reorder."""

import math


def days_of_cover(item):
    """Days the stock on hand lasts at the current demand (infinite without demand)."""
    if item.daily_demand <= 0:
        return math.inf
    return item.on_hand / item.daily_demand


def calc_reorder_qty(item, horizon_days=30):
    """Units to order now so stock covers the lead time, the safety days and `horizon_days`.

    The result is rounded up to whole cases; nothing is ordered while stock suffices.
    """
    if horizon_days < 0:
        raise ValueError("horizon_days must not be negative")
    days = item.lead_time_days + item.safety_days + horizon_days
    needed = math.ceil(item.daily_demand * days) - item.on_hand
    if needed <= 0:
        return 0
    cases = math.ceil(needed / item.case_size)
    return cases * item.case_size


def needs_reorder(item, horizon_days=30):
    return calc_reorder_qty(item, horizon_days) > 0
