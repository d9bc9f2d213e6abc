"""Softmax (multinomial logistic) regression trained with full-batch gradient descent."""

import math

import numpy as np

EPOCHS = 150
LEARNING_RATE = 0.5
L2 = 1e-3
TOL = 1e-9


def fit(X, y, n_classes):
    """Trains on standardized X (n x d floats) and labels y (n ints in [0, n_classes)).

    Returns (W, b, mean, std): weights (d x n_classes) and biases (n_classes) of the model on
    standardized inputs (x - mean) / std. Stops early when an epoch lowers the regularized mean
    log-loss by less than TOL. Every step works on all rows at once.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    n, d = X.shape
    mean, std = X.mean(axis=0), X.std(axis=0)
    Z = (X - mean) / std
    onehot = np.eye(n_classes)[y]
    rows = np.arange(n)
    W, b = np.zeros((d, n_classes)), np.zeros(n_classes)
    previous = math.inf
    for _ in range(EPOCHS):
        logits = Z @ W + b
        logits -= logits.max(axis=1, keepdims=True)
        P = np.exp(logits)
        P /= P.sum(axis=1, keepdims=True)
        loss = -np.log(P[rows, y]).mean() + 0.5 * L2 * float(np.sum(W * W))
        G = P - onehot
        W = W - LEARNING_RATE * (Z.T @ G / n + L2 * W)
        b = b - LEARNING_RATE * G.sum(axis=0) / n
        if previous - loss < TOL:
            break
        previous = loss
    return W, b, mean, std


def predict(model, X):
    """The most likely class of each row of X under model = fit(...)."""
    W, b, mean, std = model
    return np.argmax(((np.asarray(X, dtype=float) - mean) / std) @ W + b, axis=1)
