"""Verifier of churn-data-leak: train.py trained on a hidden export, tested as of snapshot day.

The metric is accuracy on 2000 hidden customers with their columns as read on the snapshot day
(the leaking ones no longer leak), after training on a hidden 1500-row export. It is put on the
RE-Bench scale between the starting train.py (START) and solution/solve.sh (REFERENCE), measured
once on this data; tests/environments/test_ml_experiment.py re-measures them.
"""

import datagen
import rescore

TRAIN_SEED, TEST_SEED = 1103, 2103
START, REFERENCE = 0.6925, 0.831
TIME_LIMIT_S = 60
COMMAND = ["python3", "train.py", "--train", "{io}/train.csv", "--test", "{io}/test.csv",
           "--out", "{io}/predictions.csv"]


def evaluate(hidden):
    train = datagen.churn(TRAIN_SEED, 1500)
    test = datagen.churn(TEST_SEED, 2000, at_prediction_time=True)
    predicted = rescore.predict_csv(
        COMMAND, datagen.csv_bytes(train), datagen.csv_bytes(test, test[0][:-1]),
        "customer_id", "churned", timeout=TIME_LIMIT_S,
    )
    truth = [row[-1] for row in test[1]]
    return rescore.Measurement(rescore.accuracy(predicted, truth), START, REFERENCE)


rescore.verify(evaluate)
