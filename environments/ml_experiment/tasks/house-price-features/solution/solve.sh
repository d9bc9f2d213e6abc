# the baseline: a linear model of the raw price on the numeric columns
python3 evaluate.py

# what the columns say: prices are skewed (model their log), neighborhoods shift them, and the
# sale date moves them up over time
python3 - <<'PY'
import csv, math, statistics
rows = list(csv.DictReader(open("data/sales.csv")))
prices = [float(r["price"]) for r in rows]
print("price mean", round(statistics.mean(prices)), "median", statistics.median(prices))
for hood in sorted({r["neighborhood"] for r in rows}):
    logs = [math.log(float(r["price"])) for r in rows if r["neighborhood"] == hood]
    print(f"{hood:10s} mean log price {statistics.mean(logs):.3f}")
for year in range(2015, 2024):
    logs = [math.log(float(r["price"]) / float(r["sqft"])) for r in rows if r["sale_date"].startswith(str(year))]
    print(year, f"mean log price per sqft {statistics.mean(logs):.3f}")
PY

# fit log(price) on log sizes, the house's age when sold (old houses are special), time of sale,
# condition, rooms, and one-hot neighborhoods; predict exp of it
cat > predict.py <<'PY'
"""House price model: ridge regression of log prices on engineered features, pure Python.

usage: python3 predict.py --train data/sales.csv --test SALES.csv --out PRED.csv
"""

import argparse
import csv
import math
from datetime import date

RIDGE = 1e-3
FIRST_DAY = date(2015, 1, 1)


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def features(row, neighborhoods):
    sold = date.fromisoformat(row["sale_date"])
    age = sold.year - int(row["year_built"])
    return ([1.0, math.log(float(row["sqft"])), math.log(float(row["lot_sqft"])),
             (sold - FIRST_DAY).days / 365.25, float(age), float(age > 90),
             float(row["condition"]), float(row["bedrooms"]), float(row["bathrooms"])]
            + [float(row["neighborhood"] == h) for h in neighborhoods])


def solve(A, b):
    """Solves A x = b by Gaussian elimination with partial pivoting."""
    n = len(A)
    M = [row[:] + [v] for row, v in zip(A, b)]
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(M[r][i]))
        M[i], M[p] = M[p], M[i]
        for r in range(i + 1, n):
            f = M[r][i] / M[i][i]
            M[r] = [a - f * c for a, c in zip(M[r], M[i])]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (M[i][n] - sum(M[i][j] * x[j] for j in range(i + 1, n))) / M[i][i]
    return x


def fit(X, y, ridge=RIDGE):
    """Ridge regression weights w solving (X'X + ridge I) w = X'y."""
    d = len(X[0])
    XtX = [[sum(r[i] * r[j] for r in X) + (ridge if i == j else 0.0) for j in range(d)]
           for i in range(d)]
    Xty = [sum(r[i] * t for r, t in zip(X, y)) for i in range(d)]
    return solve(XtX, Xty)


def main():
    parser = argparse.ArgumentParser(description="house price model")
    parser.add_argument("--train", default="data/sales.csv")
    parser.add_argument("--test", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    train, test = read_rows(args.train), read_rows(args.test)
    neighborhoods = sorted({r["neighborhood"] for r in train})[1:]  # the first is the baseline
    w = fit([features(r, neighborhoods) for r in train],
            [math.log(float(r["price"])) for r in train])
    with open(args.out, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["id", "price"])
        for row in test:
            log_price = sum(a * b for a, b in zip(w, features(row, neighborhoods)))
            out.writerow([row["id"], round(math.exp(log_price), 2)])


if __name__ == "__main__":
    main()
PY
python3 evaluate.py
