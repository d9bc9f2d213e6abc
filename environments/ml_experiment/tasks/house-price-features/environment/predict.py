"""House price model: least squares on the numeric columns of the sales table, pure Python.

usage: python3 predict.py --train data/sales.csv --test SALES.csv --out PRED.csv
"""

import argparse
import csv

COLUMNS = ["sqft", "bedrooms", "bathrooms", "lot_sqft", "year_built", "condition"]
RIDGE = 1e-6


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def features(row):
    """The model's input vector for one sale: a constant and the numeric columns."""
    return [1.0] + [float(row[c]) for c in COLUMNS]


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


def predict(w, X):
    return [sum(a * b for a, b in zip(w, x)) for x in X]


def main():
    parser = argparse.ArgumentParser(description="house price model")
    parser.add_argument("--train", default="data/sales.csv")
    parser.add_argument("--test", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    train, test = read_rows(args.train), read_rows(args.test)
    w = fit([features(r) for r in train], [float(r["price"]) for r in train])
    with open(args.out, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["id", "price"])
        for row, price in zip(test, predict(w, [features(r) for r in test])):
            out.writerow([row["id"], round(price, 2)])


if __name__ == "__main__":
    main()
