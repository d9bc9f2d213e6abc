"""Cross-validated accuracy of model.fit_predict on data/train.csv (5 folds)."""

import csv

from model import fit_predict


def load(path):
    with open(path, newline="") as f:
        rows = [[float(v) for v in row] for row in list(csv.reader(f))[1:]]
    return [r[:-1] for r in rows], [int(r[-1]) for r in rows]


def main():
    X, y = load("data/train.csv")
    folds, hits = 5, 0
    for k in range(folds):
        test = list(range(k, len(X), folds))
        train = [i for i in range(len(X)) if i % folds != k]
        predicted = fit_predict([X[i] for i in train], [y[i] for i in train], [X[i] for i in test])
        hits += sum(p == y[i] for p, i in zip(predicted, test))
    print(f"cross-validated accuracy: {hits / len(X):.3f}")


if __name__ == "__main__":
    main()
