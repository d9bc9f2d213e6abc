"""k-nearest-neighbours classifier whose hyperparameters come from a JSON config.

Config keys:
  k         number of neighbours that vote (a positive int)
  metric    "euclidean" or "manhattan"
  scale     "none", "minmax" or "standard": how features are rescaled (fitted on --train)
  weights   "uniform" (one vote each) or "distance" (votes weighted by 1 / distance)
  features  the columns of the CSV files used as features

usage: python3 knn.py --config config.json --train data/train.csv --test TEST.csv --out PRED.csv
"""

import argparse
import csv
import json
import math
from collections import defaultdict


def read_table(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def scaler(rows, features, how):
    """Per-feature (shift, divisor) pairs for 'none', 'minmax' or 'standard' scaling."""
    if how == "none":
        return [(0.0, 1.0)] * len(features)
    out = []
    for name in features:
        col = [float(r[name]) for r in rows]
        if how == "minmax":
            lo, hi = min(col), max(col)
            out.append((lo, (hi - lo) or 1.0))
        elif how == "standard":
            mean = sum(col) / len(col)
            out.append((mean, math.sqrt(sum((v - mean) ** 2 for v in col) / len(col)) or 1.0))
        else:
            raise ValueError(f"unknown scale {how!r}")
    return out


def vectors(rows, features, scale):
    return [[(float(r[f]) - s) / d for f, (s, d) in zip(features, scale)] for r in rows]


def distance(p, q, metric):
    if metric == "euclidean":
        return math.sqrt(sum((a - b) ** 2 for a, b in zip(p, q)))
    if metric == "manhattan":
        return sum(abs(a - b) for a, b in zip(p, q))
    raise ValueError(f"unknown metric {metric!r}")


def predict(train, labels, point, config):
    nearest = sorted((distance(point, x, config["metric"]), y) for x, y in zip(train, labels))
    votes = defaultdict(float)
    for d, y in nearest[: config["k"]]:
        votes[y] += 1.0 / (d + 1e-9) if config["weights"] == "distance" else 1.0
    return max(sorted(votes), key=votes.get)


def classify(config, train_rows, test_rows):
    """The predicted label of each test row."""
    features = config["features"]
    scale = scaler(train_rows, features, config["scale"])
    train = vectors(train_rows, features, scale)
    labels = [r["label"] for r in train_rows]
    return [predict(train, labels, point, config) for point in vectors(test_rows, features, scale)]


def main():
    parser = argparse.ArgumentParser(description="k-nearest-neighbours classifier")
    parser.add_argument("--config", default="config.json")
    parser.add_argument("--train", default="data/train.csv")
    parser.add_argument("--test", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.config) as f:
        config = json.load(f)
    test_rows = read_table(args.test)
    predicted = classify(config, read_table(args.train), test_rows)
    with open(args.out, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["id", "label"])
        out.writerows([row["id"], label] for row, label in zip(test_rows, predicted))


if __name__ == "__main__":
    main()
