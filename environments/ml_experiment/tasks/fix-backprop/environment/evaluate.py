"""Holdout accuracy of net.fit_predict: trains on the first 1000 rows of data/train.csv and tests
on the last 500."""

import numpy as np

from net import fit_predict


def main():
    data = np.loadtxt("data/train.csv", delimiter=",", skiprows=1)
    X, y = data[:, :-1], data[:, -1].astype(int)
    predicted = np.asarray(fit_predict(X[:1000].tolist(), y[:1000].tolist(), X[1000:].tolist()))
    print(f"holdout accuracy: {np.mean(predicted == y[1000:]):.4f}")


if __name__ == "__main__":
    main()
