"""Accuracy of a config on a holdout: fits on the first 750 rows of data/train.csv, tests on
the last 250. usage: python3 validate.py [config.json]"""

import json
import sys

from knn import classify, read_table


def main():
    with open(sys.argv[1] if len(sys.argv) > 1 else "config.json") as f:
        config = json.load(f)
    rows = read_table("data/train.csv")
    train, holdout = rows[:750], rows[750:]
    predicted = classify(config, train, holdout)
    hits = sum(p == r["label"] for p, r in zip(predicted, holdout))
    print(f"holdout accuracy: {hits / len(holdout):.3f}")


if __name__ == "__main__":
    main()
