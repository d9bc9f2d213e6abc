"""invoicer: build invoices and credit notes and render them as text or CSV."""

from .models import CreditNote, Customer, Invoice, LineItem
from .render import render_credit_note, render_invoice

__all__ = ["CreditNote", "Customer", "Invoice", "LineItem", "render_credit_note", "render_invoice"]
