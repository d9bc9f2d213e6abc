"""Holdout accuracy of model.fit_predict: trains on the first 2000 rows of data/train.csv and
tests on the last 1000."""

import time

import numpy as np

from model import fit_predict


def main():
    data = np.loadtxt("data/train.csv", delimiter=",", skiprows=1)
    X, y = data[:, :-1], data[:, -1].astype(int)
    started = time.perf_counter()
    predicted = np.asarray(fit_predict(X[:2000].tolist(), y[:2000].tolist(), X[2000:].tolist()))
    seconds = time.perf_counter() - started
    print(f"holdout accuracy: {np.mean(predicted == y[2000:]):.4f} ({seconds:.1f} s)")


if __name__ == "__main__":
    main()
