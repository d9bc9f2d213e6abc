"""Verifier of fix-backprop: net.fit_predict trained and tested on hidden data.

The metric is accuracy on 2000 hidden rows after training on 1500, on the RE-Bench scale between
the starting net.py (START) and solution/solve.sh (REFERENCE), measured once on this data;
tests/environments/test_ml_experiment.py re-measures them.
"""

import datagen
import rescore

TRAIN_SEED, TEST_SEED = 1107, 2107
START, REFERENCE = 0.3605, 0.993
TIME_LIMIT_S = 60


def evaluate(hidden):
    X, y = datagen.features_and_labels(datagen.three_spirals(TRAIN_SEED, 1500))
    X_test, y_test = datagen.features_and_labels(datagen.three_spirals(TEST_SEED, 2000))
    called = rescore.call(
        "net", "fit_predict", [X, y, X_test], timeout=TIME_LIMIT_S, source=rescore.workspace()
    )
    return rescore.Measurement(rescore.accuracy(called.value, y_test), START, REFERENCE)


rescore.verify(evaluate)
