# the baseline: a linear model, at chance level
python3 evaluate.py

# no single feature separates the classes linearly; look at how the label rate varies along each
# feature's deciles: flat marginals hint at interactions, not at useless features
python3 - <<'PY'
import numpy as np
data = np.loadtxt("data/train.csv", delimiter=",", skiprows=1)
X, y = data[:, :-1], data[:, -1]
for j in range(X.shape[1]):
    order = np.argsort(X[:, j])
    rates = [y[part].mean() for part in np.array_split(order, 10)]
    print(f"x{j + 1:<2d} label rate by decile:", " ".join(f"{r:.2f}" for r in rates))
PY

# a small neural network learns the interactions: one hidden layer of 16 tanh units on
# standardized inputs, full-batch Adam with a little L2, fixed seed
cat > model.py <<'PY'
"""Binary classifier: a one-hidden-layer tanh network trained with Adam (numpy)."""

import numpy as np

HIDDEN = 16
EPOCHS = 800
LEARNING_RATE = 0.01
L2 = 1e-3
SEED = 0


def fit_predict(X_train, y_train, X_test):
    """Trains on (X_train, y_train) and returns 0/1 predictions for X_test."""
    X_train, X_test = np.asarray(X_train, float), np.asarray(X_test, float)
    y = np.asarray(y_train, float)[:, None]
    mean, std = X_train.mean(axis=0), X_train.std(axis=0) + 1e-12
    Z = (X_train - mean) / std
    rng = np.random.default_rng(SEED)
    d = Z.shape[1]
    params = [rng.normal(0, 1 / np.sqrt(d), (d, HIDDEN)), np.zeros(HIDDEN),
              rng.normal(0, 1 / np.sqrt(HIDDEN), (HIDDEN, 1)), np.zeros(1)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t in range(1, EPOCHS + 1):
        W1, b1, W2, b2 = params
        H = np.tanh(Z @ W1 + b1)
        P = 1 / (1 + np.exp(-(H @ W2 + b2)))
        d_out = (P - y) / len(y)
        d_hidden = (d_out @ W2.T) * (1 - H ** 2)
        grads = [Z.T @ d_hidden + L2 * W1, d_hidden.sum(0), H.T @ d_out + L2 * W2, d_out.sum(0)]
        for i, g in enumerate(grads):
            m[i] = 0.9 * m[i] + 0.1 * g
            v[i] = 0.999 * v[i] + 0.001 * g * g
            step = (m[i] / (1 - 0.9 ** t)) / (np.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8)
            params[i] = params[i] - LEARNING_RATE * step
    W1, b1, W2, b2 = params
    H = np.tanh(((X_test - mean) / std) @ W1 + b1)
    return ((H @ W2 + b2)[:, 0] >= 0).astype(int)
PY
python3 evaluate.py
