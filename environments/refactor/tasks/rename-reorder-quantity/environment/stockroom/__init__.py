"""stockroom: a small inventory system for a single warehouse.

Items live in a Catalog, stock moves through a Ledger, and the planning module tells
purchasing how much to reorder.
"""

from .catalog import Catalog, Item
from .movements import Ledger, Movement
from .planning import calc_reorder_qty, days_of_cover

__all__ = ["Catalog", "Item", "Ledger", "Movement", "calc_reorder_qty", "days_of_cover"]
