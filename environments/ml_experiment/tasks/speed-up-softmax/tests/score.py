"""Verifier of speed-up-softmax: softmax.fit's speed, measured against the starting code and the
reference solution in this same run, so that the machine's speed cancels out.

Hidden copies of the starting softmax.py (baseline/softmax_start.py) and of the reference
(baseline/softmax_reference.py, the file solution/solve.sh writes) run on the same hidden data as
the workspace's. The workspace's results must match the reference's; the score is
log(t_start / t) / log(t_start / t_reference), each time the best of the runs made.
"""

import numpy as np

import rescore

SEEDS = (3101, 3102, 3103)
TIME_LIMIT_S = 30
REPEAT_BELOW_S = 1.0  # slower programs are timed once: noise is small next to their time
RTOL, ATOL = 1e-6, 1e-9


def dataset(seed, n=2000, d=30, k=5):
    """Features of mixed scales and offsets; labels from a noisy linear model (as in bench.py)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 20, size=d) + rng.uniform(-50, 50, size=d)
    scores = (X - X.mean(axis=0)) / X.std(axis=0) @ rng.normal(size=(d, k))
    return X, np.argmax(scores + rng.gumbel(size=(n, k)), axis=1), k


def same_model(got, expected):
    """Whether fit's result `got` (decoded JSON) matches `expected` array by array."""
    if not isinstance(got, list) or len(got) != len(expected):
        return False
    try:
        arrays = [np.asarray(g, dtype=float) for g in got]
    except (TypeError, ValueError):
        return False
    return all(a.shape == np.shape(e) and np.allclose(a, e, rtol=RTOL, atol=ATOL)
               for a, e in zip(arrays, expected))


def fit(args, **where):
    return rescore.call("softmax", "fit", args, timeout=TIME_LIMIT_S, **where)


def evaluate(hidden):
    start = {"softmax.py": hidden["baseline/softmax_start.py"]}
    reference = {"softmax.py": hidden["baseline/softmax_reference.py"]}
    data = [dataset(seed) for seed in SEEDS]
    start_seconds = fit(data[0], files=start).seconds
    reference_times, times = [], []
    for args in data:  # the reference and the workspace alternate, to share the machine's moods
        expected = fit(args, files=reference)
        got = fit(args, source=rescore.workspace())
        if not same_model(got.value, expected.value):
            raise rescore.RunError(
                f"softmax.fit's result differs from the original's (rtol {RTOL}, atol {ATOL})")
        reference_times.append(expected.seconds)
        times.append(got.seconds)
        if got.seconds > REPEAT_BELOW_S:
            break
    return rescore.Measurement(min(times), start_seconds, min(reference_times))


rescore.verify(evaluate, log_scale=True)
