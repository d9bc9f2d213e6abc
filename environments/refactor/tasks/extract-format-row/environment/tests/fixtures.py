from datetime import date

from invoicer import CreditNote, Customer, Invoice, LineItem

ACME = Customer("Acme Tools Ltd", vat_number="GB123456789")


def sample_invoice():
    invoice = Invoice("2024-0042", ACME, date(2024, 3, 1), due=date(2024, 3, 31))
    invoice.add("Consulting, March", 12.5, 95.0)
    invoice.add("Technical handbook (second edition, hardback)", 2, 39.99, "reduced")
    invoice.add("Travel", 1, 212.4, "zero")
    return invoice


def sample_credit_note():
    invoice = sample_invoice()
    return CreditNote(
        "CN-007",
        invoice,
        date(2024, 3, 9),
        "Handbook returned damaged",
        [LineItem("Technical handbook (second edition, hardback)", 1, 39.99, "reduced")],
    )
