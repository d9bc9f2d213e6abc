"""Logistic regression trained with batch gradient descent, in pure Python."""

import math

EPOCHS = 300
LEARNING_RATE = 0.5


def _sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _standardizer(X):
    """Column means and standard deviations of X."""
    n = len(X)
    means = [sum(col) / n for col in zip(*X)]
    stds = [math.sqrt(sum((v - m) ** 2 for v in col) / n) or 1.0 for col, m in zip(zip(*X), means)]
    return means, stds


def _scale(X, means, stds):
    return [[(v - m) / s for v, m, s in zip(row, means, stds)] for row in X]


def _logit(w, b, x):
    return sum(wj * xj for wj, xj in zip(w, x)) + b


def fit(X, y):
    """Weights and bias that minimise the mean log-loss of a logistic model on (X, y)."""
    n, d = len(X), len(X[0])
    w, b = [0.0] * d, 0.0
    for _ in range(EPOCHS):
        grad_w, grad_b = [0.0] * d, 0.0
        for x, t in zip(X, y):
            err = t - _sigmoid(_logit(w, b, x))
            for j in range(d):
                grad_w[j] += err * x[j]
            grad_b += err
        w = [wj - LEARNING_RATE * g / n for wj, g in zip(w, grad_w)]
        b -= LEARNING_RATE * grad_b
    return w, b


def fit_predict(X_train, y_train, X_test):
    """Trains on (X_train, y_train) and returns a 0/1 label for each row of X_test."""
    means, stds = _standardizer(X_train)
    w, b = fit(_scale(X_train, means, stds), y_train)
    return [int(_sigmoid(_logit(w, b, x)) >= 0.5) for x in _scale(X_test, means, stds)]
