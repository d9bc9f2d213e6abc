"""The seeded data of the ml_experiment tasks, for the workspaces and for the verifiers.

A task's workspace data is a CSV generated here (`WORKSPACE_FILES`; rewrite them with
`python -m environments.ml_experiment.datagen`, and tests/environments/test_ml_experiment.py
checks they match). Its hidden data comes from the same generator with seeds only the verifier
knows: each task's tests/datagen.py is a symlink to this file, and its score.py holds the seeds.
Like rescore.py this runs on the sandbox's python3: stdlib only, Python 3.9 compatible.
"""

from __future__ import annotations

import csv
import io
import math
import random
from datetime import date, timedelta
from pathlib import Path

Table = tuple[list[str], list[list[object]]]
"""A header and rows; the last column is the target."""


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def sensor_alarms(seed: int, n: int) -> Table:
    """Binary labels from a logistic model of six sensors of very different scales."""
    rng = random.Random(seed)
    offsets = [0.0, 50.0, 1.0, -2.0, 500.0, 0.0]
    scales = [1.0, 20.0, 0.05, 3.0, 100.0, 1.0]
    weights = [2.0, -1.5, 1.0, 0.0, 0.8, 0.5]
    rows: list[list[object]] = []
    for _ in range(n):
        z = [rng.gauss(0.0, 1.0) for _ in offsets]
        logit = 1.5 * (sum(weights[j] * z[j] for j in range(6)) - 1.2)
        label = int(rng.random() < _sigmoid(logit))
        rows.append([round(offsets[j] + scales[j] * z[j], 4) for j in range(6)] + [label])
    return [f"x{j}" for j in range(1, 7)] + ["label"], rows


def three_sectors(seed: int, n: int) -> Table:
    """Three classes by angle in the (f3, f8) plane, f11 shifting with the class; the rest noise.

    The informative features have small scales and the noise large ones, so unscaled distances
    see mostly noise, and scaled ones still see nine noise dimensions.
    """
    rng = random.Random(seed)
    rows: list[list[object]] = []
    for i in range(n):
        a, b = rng.gauss(0.0, 1.0), rng.gauss(0.0, 1.0)
        label = int(((math.atan2(b, a + 0.3) + math.pi) / (2 * math.pi) * 3) % 3)
        if rng.random() < 0.05:
            label = rng.randrange(3)
        shift = rng.gauss(0.8 * (label - 1), 1.0)
        features = [
            rng.uniform(0, 1000), rng.gauss(0, 40), 0.02 * a, rng.gauss(0, 1), rng.gauss(5, 3),
            rng.uniform(-1, 1), rng.gauss(0, 200), 0.5 * b, rng.gauss(0, 1), rng.uniform(0, 50),
            3.0 * shift, rng.gauss(100, 10),
        ]  # fmt: skip
        rows.append([i] + [round(v, 4) for v in features] + [label])
    return ["id"] + [f"f{j}" for j in range(1, 13)] + ["label"], rows


def churn(seed: int, n: int, at_prediction_time: bool = False) -> Table:
    """Customers and whether they cancelled within 90 days of a snapshot.

    The training export was taken after the outcome: days_since_last_login counts to the export
    day (long for customers who had left) and retention_offer marks customers who had asked to
    cancel. At prediction time both are read on the snapshot day: logins are recent and no offer
    has been made yet.
    """
    rng = random.Random(seed)
    contracts = {"monthly": 1.6, "one_year": -0.6, "two_year": -2.4}
    rows: list[list[object]] = []
    for i in range(n):
        contract = rng.choices(list(contracts), weights=[5, 3, 2])[0]
        tenure = rng.randint(1, 72)
        charges = round(rng.uniform(20, 120), 2)
        tickets = min(int(rng.expovariate(0.7)), 9)
        late = min(int(rng.expovariate(1.2)), 6)
        logit = (
            contracts[contract] - 0.06 * tenure + 0.035 * (charges - 70) + 0.6 * tickets
            + 0.7 * late - 0.3
        )  # fmt: skip
        churned = int(rng.random() < _sigmoid(logit))
        recent = rng.expovariate(1 / (9.0 if churned else 4.0))
        if at_prediction_time:
            days, offer = recent, 0
        elif churned:
            days, offer = 30 + rng.expovariate(1 / 60), int(rng.random() < 0.6)
        else:
            days, offer = recent, int(rng.random() < 0.08)
        rows.append(
            [f"C{i:05d}", tenure, charges, contract, tickets, late, int(days), offer, churned]
        )
    header = [
        "customer_id", "tenure_months", "monthly_charges", "contract", "support_tickets",
        "late_payments", "days_since_last_login", "retention_offer", "churned",
    ]  # fmt: skip
    return header, rows


NEIGHBORHOODS = {
    "Riverside": 0.25, "Old Town": 0.1, "Hillcrest": 0.35, "Northgate": -0.15,
    "Mill Park": -0.3, "Lakeview": 0.45, "Eastfield": -0.05, "Station": 0.0,
}  # fmt: skip


def house_sales(seed: int, n: int) -> Table:
    """Sale prices, log-linear in size, neighborhood, age, condition, lot and sale date."""
    rng = random.Random(seed)
    first_day = date(2015, 1, 1)
    rows: list[list[object]] = []
    for i in range(n):
        hood = rng.choice(list(NEIGHBORHOODS))
        sqft = round(math.exp(rng.gauss(7.4, 0.35)))
        bedrooms = max(1, min(6, round(sqft / 550 + rng.gauss(0, 0.6))))
        bathrooms = max(1, min(4, round(bedrooms * 0.6 + rng.gauss(0, 0.5))))
        lot = round(math.exp(rng.gauss(8.5, 0.5)))
        built = rng.randint(1900, 2020)
        sold = first_day + timedelta(days=rng.randrange(9 * 365))
        condition = rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 5, 3, 1])[0]
        years = (sold - first_day).days / 365.25
        age = sold.year - built
        log_price = (
            12.2 + 0.85 * math.log(sqft / 1600) + NEIGHBORHOODS[hood] + 0.05 * years
            - 0.005 * age + 0.12 * (age > 90) + 0.07 * (condition - 3)
            + 0.08 * math.log(lot / 5000) + rng.gauss(0, 0.08)
        )  # fmt: skip
        price = int(round(math.exp(log_price), -2))
        rows.append(
            [i, hood, sqft, bedrooms, bathrooms, lot, built, condition, sold.isoformat(), price]
        )
    header = [
        "id", "neighborhood", "sqft", "bedrooms", "bathrooms", "lot_sqft", "year_built",
        "condition", "sale_date", "price",
    ]  # fmt: skip
    return header, rows


def disc_xor_line(seed: int, n: int) -> Table:
    """Binary labels: inside a disc in (x2, x7) XOR beyond a line in (x4, x9); the rest noise."""
    rng = random.Random(seed)
    scales = [1, 1, 3, 1, 0.5, 2, 1, 1, 1, 10]
    rows: list[list[object]] = []
    for _ in range(n):
        x = [rng.gauss(0.0, 1.0) for _ in range(10)]
        label = int((x[1] ** 2 + x[6] ** 2 < 1.4) != (x[3] + 0.5 * x[8] > 0.3))
        if rng.random() < 0.04:
            label = 1 - label
        rows.append([round(scales[j] * x[j], 4) for j in range(10)] + [label])
    return [f"x{j}" for j in range(1, 11)] + ["label"], rows


def three_spirals(seed: int, n: int) -> Table:
    """Three interleaved spiral arms in (x1, x2), with two noise features."""
    rng = random.Random(seed)
    rows: list[list[object]] = []
    for _ in range(n):
        label = rng.randrange(3)
        t = rng.uniform(0.05, 1.0)
        angle = label * 2 * math.pi / 3 + 4.0 * t + rng.gauss(0, 0.2)
        features = [5 * t * math.cos(angle), 5 * t * math.sin(angle), rng.gauss(0, 1),
                    rng.uniform(-3, 3)]  # fmt: skip
        rows.append([round(v, 4) for v in features] + [label])
    return [f"x{j}" for j in range(1, 5)] + ["label"], rows


def csv_bytes(table: Table, columns: list[str] | None = None) -> bytes:
    """The table as CSV, optionally only some of its columns (a test set without its target)."""
    header, rows = table
    keep = [header.index(c) for c in columns] if columns else list(range(len(header)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([header[j] for j in keep])
    writer.writerows([row[j] for j in keep] for row in rows)
    return out.getvalue().encode()


def features_and_labels(table: Table) -> tuple[list[list[object]], list[object]]:
    """X (every column but the last) and y (the last), as the function entry points take them."""
    return [row[:-1] for row in table[1]], [row[-1] for row in table[1]]


WORKSPACE_FILES = {
    "fix-logistic-gradient/environment/data/train.csv": lambda: sensor_alarms(101, 400),
    "tune-knn-config/environment/data/train.csv": lambda: three_sectors(102, 1000),
    "churn-data-leak/environment/data/customers.csv": lambda: churn(103, 1500),
    "house-price-features/environment/data/sales.csv": lambda: house_sales(104, 1200),
    "nonlinear-classifier/environment/data/train.csv": lambda: disc_xor_line(106, 3000),
    "fix-backprop/environment/data/train.csv": lambda: three_spirals(107, 1500),
}


def write_workspace_files(root: Path) -> list[Path]:
    """Writes every file of WORKSPACE_FILES under `root`, the tasks folder."""
    written = []
    for name, make in WORKSPACE_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(csv_bytes(make()))
        written.append(path)
    return written


if __name__ == "__main__":
    for written in write_workspace_files(Path(__file__).parent / "tasks"):
        print(written)
