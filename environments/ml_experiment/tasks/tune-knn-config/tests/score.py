"""Verifier of tune-knn-config: knn.py with the workspace's config.json, on hidden data.

The metric is accuracy on 600 hidden rows with 1000 hidden training rows, on the RE-Bench scale
between the starting config (START) and solution/solve.sh's (REFERENCE), measured once on this
data; tests/environments/test_ml_experiment.py re-measures them.
"""

import datagen
import rescore

TRAIN_SEED, TEST_SEED = 1102, 2102
START, REFERENCE = 221 / 600, 566 / 600
TIME_LIMIT_S = 60
COMMAND = ["python3", "knn.py", "--config", "config.json", "--train", "{io}/train.csv",
           "--test", "{io}/test.csv", "--out", "{io}/predictions.csv"]


def evaluate(hidden):
    train, test = datagen.three_sectors(TRAIN_SEED, 1000), datagen.three_sectors(TEST_SEED, 600)
    features = test[0][:-1]
    predicted = rescore.predict_csv(
        COMMAND, datagen.csv_bytes(train), datagen.csv_bytes(test, features), "id", "label",
        timeout=TIME_LIMIT_S,
    )
    truth = [row[-1] for row in test[1]]
    return rescore.Measurement(rescore.accuracy(predicted, truth), START, REFERENCE)


rescore.verify(evaluate)
