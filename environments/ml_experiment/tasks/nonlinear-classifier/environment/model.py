"""Binary classifier: logistic regression trained with full-batch gradient descent (numpy)."""

import numpy as np

EPOCHS = 500
LEARNING_RATE = 0.1


def fit_predict(X_train, y_train, X_test):
    """Trains on (X_train, y_train) and returns 0/1 predictions for X_test."""
    X_train, X_test = np.asarray(X_train, float), np.asarray(X_test, float)
    y = np.asarray(y_train, float)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0) + 1e-12
    Z = (X_train - mean) / std
    w, b = np.zeros(Z.shape[1]), 0.0
    for _ in range(EPOCHS):
        p = 1.0 / (1.0 + np.exp(-(Z @ w + b)))
        w -= LEARNING_RATE * Z.T @ (p - y) / len(y)
        b -= LEARNING_RATE * np.mean(p - y)
    return (((X_test - mean) / std) @ w + b >= 0).astype(int)
