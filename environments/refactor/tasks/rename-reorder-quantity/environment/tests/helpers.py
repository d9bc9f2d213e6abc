from stockroom import Catalog, Item


def sample_catalog():
    return Catalog(
        [
            Item("A100", "bolts", 0.25, on_hand=400, daily_demand=30, case_size=100),
            Item("B200", "brackets", 4.5, on_hand=10, daily_demand=2, lead_time_days=14),
            Item("C300", "paint", 12.0, on_hand=50, daily_demand=0),
            Item("D400", "hinges", 1.75, on_hand=300, daily_demand=5, case_size=24),
        ]
    )
