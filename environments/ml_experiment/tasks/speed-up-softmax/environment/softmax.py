"""Softmax (multinomial logistic) regression trained with full-batch gradient descent."""

import math

import numpy as np

EPOCHS = 150
LEARNING_RATE = 0.5
L2 = 1e-3
TOL = 1e-9


def column_stats(X):
    """The mean and standard deviation of each column of X."""
    n, d = X.shape
    mean, std = np.zeros(d), np.zeros(d)
    for j in range(d):
        mean[j] = sum(X[i, j] for i in range(n)) / n
        std[j] = math.sqrt(sum((X[i, j] - mean[j]) ** 2 for i in range(n)) / n)
    return mean, std


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def fit(X, y, n_classes):
    """Trains on standardized X (n x d floats) and labels y (n ints in [0, n_classes)).

    Returns (W, b, mean, std): weights (d x n_classes) and biases (n_classes) of the model on
    standardized inputs (x - mean) / std. Stops early when an epoch lowers the regularized mean
    log-loss by less than TOL.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    n, d = X.shape
    mean, std = column_stats(X)
    W, b = np.zeros((d, n_classes)), np.zeros(n_classes)
    previous = math.inf
    for _ in range(EPOCHS):
        grad_W, grad_b, loss = np.zeros_like(W), np.zeros_like(b), 0.0
        for i in range(n):
            x = (X[i] - mean) / std
            p = softmax(x @ W + b)
            loss -= math.log(p[y[i]])
            p[y[i]] -= 1.0
            grad_W += np.outer(x, p)
            grad_b += p
        loss = loss / n + 0.5 * L2 * float(np.sum(W * W))
        W = W - LEARNING_RATE * (grad_W / n + L2 * W)
        b = b - LEARNING_RATE * grad_b / n
        if previous - loss < TOL:
            break
        previous = loss
    return W, b, mean, std


def predict(model, X):
    """The most likely class of each row of X under model = fit(...)."""
    W, b, mean, std = model
    return np.argmax(((np.asarray(X, dtype=float) - mean) / std) @ W + b, axis=1)
