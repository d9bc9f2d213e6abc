# the baseline: chance level (three classes)
python3 evaluate.py

# check the analytic gradients against finite differences of the loss on a small batch
cat > gradcheck.py <<'PY'
import numpy as np
import net

rng = np.random.default_rng(1)
X, Y = rng.normal(size=(8, 4)), np.eye(3)[rng.integers(0, 3, 8)]
params = net.init(4, 3, rng)

def loss(params):
    return -np.mean(np.log(np.sum(net.forward(params, X)[2] * Y, axis=1)))

for i, (name, g) in enumerate(zip(["W1", "b1", "W2", "b2"], net.gradients(params, X, Y))):
    numeric = np.zeros_like(g)
    for idx in np.ndindex(g.shape):
        up = [p.copy() for p in params]
        down = [p.copy() for p in params]
        up[i][idx] += 1e-6
        down[i][idx] -= 1e-6
        numeric[idx] = (loss(up) - loss(down)) / 2e-6
    print(f"{name}: max relative error {np.max(np.abs(g - numeric)) / np.max(np.abs(numeric)):.2e}")
PY
python3 gradcheck.py

# two backprop bugs: tanh's derivative is 1 - tanh(a)^2, i.e. 1 - H^2, not 1 - A^2; and d_logits
# already averages over the batch, so the weight gradients must not divide by the batch size again
sed -i 's/d_A = d_H \* (1 - A \*\* 2)/d_A = d_H * (1 - H ** 2)/' net.py
sed -i 's|return \[X.T @ d_A / len(X), d_A.sum(axis=0), H.T @ d_logits / len(X), d_logits.sum(axis=0)\]|return [X.T @ d_A, d_A.sum(axis=0), H.T @ d_logits, d_logits.sum(axis=0)]|' net.py
python3 gradcheck.py

# and a data bug: each epoch shuffles the rows of X but not the targets, so the labels no longer
# belong to their rows; shuffle both the same way
sed -i 's/        X = X\[order\]$/        X, Y = X[order], Y[order]/' net.py
grep -n "order\]\|1 - H\|return \[X.T" net.py
python3 evaluate.py
