"""Churn model: logistic regression on the customer table, in pure Python.

usage: python3 train.py [--train data/customers.csv] [--test CUSTOMERS.csv --out PRED.csv]

Prints the accuracy on a validation split of the training file; with --test, refits on the
whole training file and writes a churn prediction (0/1) for each customer of the test file.
"""

import argparse
import csv
import math
import random

NUMERIC = ["tenure_months", "monthly_charges", "support_tickets", "late_payments",
           "days_since_last_login", "retention_offer"]
CONTRACTS = ["monthly", "one_year", "two_year"]
EPOCHS = 400
LEARNING_RATE = 0.3


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def features(row):
    """One customer's input vector: the numeric columns and a one-hot contract type."""
    return [float(row[c]) for c in NUMERIC] + [float(row["contract"] == c) for c in CONTRACTS]


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


class ChurnModel:
    def fit(self, rows):
        X = [features(r) for r in rows]
        y = [int(r["churned"]) for r in rows]
        n, d = len(X), len(X[0])
        self.means = [sum(col) / n for col in zip(*X)]
        self.stds = [math.sqrt(sum((v - m) ** 2 for v in col) / n) or 1.0
                     for col, m in zip(zip(*X), self.means)]
        Z = [self._scale(x) for x in X]
        self.w, self.b = [0.0] * d, 0.0
        for _ in range(EPOCHS):
            gw, gb = [0.0] * d, 0.0
            for z, t in zip(Z, y):
                err = sigmoid(sum(w * v for w, v in zip(self.w, z)) + self.b) - t
                gw = [g + err * v for g, v in zip(gw, z)]
                gb += err
            self.w = [w - LEARNING_RATE * g / n for w, g in zip(self.w, gw)]
            self.b -= LEARNING_RATE * gb / n
        return self

    def _scale(self, x):
        return [(v - m) / s for v, m, s in zip(x, self.means, self.stds)]

    def predict(self, rows):
        scores = [sum(w * v for w, v in zip(self.w, self._scale(features(r)))) + self.b
                  for r in rows]
        return [int(sigmoid(s) >= 0.5) for s in scores]


def main():
    parser = argparse.ArgumentParser(description="churn model")
    parser.add_argument("--train", default="data/customers.csv")
    parser.add_argument("--test", help="customers to score")
    parser.add_argument("--out", default="predictions.csv")
    args = parser.parse_args()
    rows = read_rows(args.train)
    shuffled = rows[:]
    random.Random(0).shuffle(shuffled)
    cut = len(shuffled) * 4 // 5
    valid = shuffled[cut:]
    predicted = ChurnModel().fit(shuffled[:cut]).predict(valid)
    hits = sum(p == int(r["churned"]) for p, r in zip(predicted, valid))
    print(f"validation accuracy: {hits / len(valid):.3f}")
    if args.test:
        test = read_rows(args.test)
        predicted = ChurnModel().fit(rows).predict(test)
        with open(args.out, "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["customer_id", "churned"])
            out.writerows([r["customer_id"], p] for r, p in zip(test, predicted))


if __name__ == "__main__":
    main()
