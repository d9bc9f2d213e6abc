"""Items and the catalog that holds them."""

import csv
from dataclasses import dataclass


@dataclass
class Item:
    sku: str
    name: str
    unit_cost: float
    on_hand: int = 0
    daily_demand: float = 0.0
    lead_time_days: int = 7
    case_size: int = 1
    safety_days: int = 3

    @property
    def value(self):
        return round(self.unit_cost * self.on_hand, 2)


class Catalog:
    def __init__(self, items=()):
        self._items = {}
        for item in items:
            self.add(item)

    def add(self, item):
        if item.sku in self._items:
            raise ValueError(f"duplicate sku {item.sku}")
        self._items[item.sku] = item

    def get(self, sku):
        try:
            return self._items[sku]
        except KeyError:
            raise KeyError(f"unknown sku {sku}") from None

    def __iter__(self):
        return iter(sorted(self._items.values(), key=lambda i: i.sku))

    def __len__(self):
        return len(self._items)


COLUMNS = ("sku", "name", "unit_cost", "on_hand", "daily_demand", "lead_time_days", "case_size")


def load_catalog(path):
    """Reads a CSV with a header row naming at least the COLUMNS."""
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    items = []
    for row in rows:
        items.append(
            Item(
                sku=row["sku"],
                name=row["name"],
                unit_cost=float(row["unit_cost"]),
                on_hand=int(row["on_hand"]),
                daily_demand=float(row["daily_demand"]),
                lead_time_days=int(row["lead_time_days"]),
                case_size=int(row["case_size"]),
            )
        )
    return Catalog(items)
