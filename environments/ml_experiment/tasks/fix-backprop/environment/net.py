"""A small neural network classifier (numpy): one tanh hidden layer, a softmax output, trained
with minibatch gradient descent with momentum on the mean cross-entropy."""

import numpy as np

HIDDEN = 32
EPOCHS = 20
BATCH = 32
LEARNING_RATE = 0.1
MOMENTUM = 0.9
SEED = 0


def softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def init(d, classes, rng):
    """Weights and biases [W1, b1, W2, b2] of a network with d inputs and `classes` outputs."""
    return [rng.normal(0, 1 / np.sqrt(d), (d, HIDDEN)), np.zeros(HIDDEN),
            rng.normal(0, 1 / np.sqrt(HIDDEN), (HIDDEN, classes)), np.zeros(classes)]


def forward(params, X):
    """Pre-activations, hidden activations and class probabilities for the rows of X."""
    W1, b1, W2, b2 = params
    A = X @ W1 + b1
    H = np.tanh(A)
    return A, H, softmax(H @ W2 + b2)


def gradients(params, X, Y):
    """Gradients of the batch's mean cross-entropy (one-hot targets Y) for [W1, b1, W2, b2]."""
    W1, b1, W2, b2 = params
    A, H, P = forward(params, X)
    d_logits = (P - Y) / len(X)
    d_H = d_logits @ W2.T
    d_A = d_H * (1 - A ** 2)  # derivative of tanh
    return [X.T @ d_A / len(X), d_A.sum(axis=0), H.T @ d_logits / len(X), d_logits.sum(axis=0)]


def fit_predict(X_train, y_train, X_test):
    """Trains on (X_train, y_train) and returns the predicted class of each row of X_test."""
    X, X_test = np.asarray(X_train, float), np.asarray(X_test, float)
    y = np.asarray(y_train, int)
    mean, std = X.mean(axis=0), X.std(axis=0) + 1e-12
    X, X_test = (X - mean) / std, (X_test - mean) / std
    classes = int(y.max()) + 1
    Y = np.eye(classes)[y]
    rng = np.random.default_rng(SEED)
    params = init(X.shape[1], classes, rng)
    velocity = [np.zeros_like(p) for p in params]
    for _ in range(EPOCHS):
        order = rng.permutation(len(X))
        X = X[order]
        for start in range(0, len(X), BATCH):
            batch = slice(start, start + BATCH)
            for i, g in enumerate(gradients(params, X[batch], Y[batch])):
                velocity[i] = MOMENTUM * velocity[i] - LEARNING_RATE * g
                params[i] = params[i] + velocity[i]
    return forward(params, X_test)[2].argmax(axis=1)
