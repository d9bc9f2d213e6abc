"""Stock movements: every change to on-hand quantities goes through a Ledger."""

from dataclasses import dataclass

KINDS = ("receive", "ship", "adjust")


@dataclass(frozen=True)
class Movement:
    sku: str
    kind: str
    quantity: int
    note: str = ""

    @property
    def delta(self):
        return -self.quantity if self.kind == "ship" else self.quantity


class Ledger:
    def __init__(self, catalog):
        self.catalog = catalog
        self.history = []

    def record(self, sku, kind, quantity, note=""):
        if kind not in KINDS:
            raise ValueError(f"unknown movement kind {kind!r}")
        if kind != "adjust" and quantity <= 0:
            raise ValueError(f"{kind} needs a positive quantity, got {quantity}")
        item = self.catalog.get(sku)
        movement = Movement(sku, kind, quantity, note)
        if item.on_hand + movement.delta < 0:
            raise ValueError(f"cannot ship {quantity} of {sku}: only {item.on_hand} on hand")
        item.on_hand += movement.delta
        self.history.append(movement)
        return movement

    def receive(self, sku, quantity, note=""):
        return self.record(sku, "receive", quantity, note)

    def ship(self, sku, quantity, note=""):
        return self.record(sku, "ship", quantity, note)

    def net_change(self, sku):
        return sum(m.delta for m in self.history if m.sku == sku)
