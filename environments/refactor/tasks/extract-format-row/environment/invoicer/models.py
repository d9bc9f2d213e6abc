"""The documents: customers, line items, invoices and credit notes."""

from dataclasses import dataclass, field
from datetime import date
from typing import List, Optional


@dataclass(frozen=True)
class Customer:
    name: str
    vat_number: str = ""


@dataclass(frozen=True)
class LineItem:
    description: str
    quantity: float
    unit_price: float
    tax_code: str = "standard"


@dataclass
class Invoice:
    number: str
    customer: Customer
    issued: date
    lines: List[LineItem] = field(default_factory=list)
    currency: str = "EUR"
    due: Optional[date] = None

    def add(self, description, quantity, unit_price, tax_code="standard"):
        self.lines.append(LineItem(description, quantity, unit_price, tax_code))
        return self


@dataclass
class CreditNote:
    number: str
    invoice: Invoice
    issued: date
    reason: str
    lines: List[LineItem] = field(default_factory=list)

    @property
    def currency(self):
        return self.invoice.currency
