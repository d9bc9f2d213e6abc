"""Verifier of house-price-features: predict.py trained and tested on hidden sales.

The metric is the RMSE of log prices on 2000 hidden sales after training on 1200 (lower is
better), on the RE-Bench scale between the starting predict.py (START) and solution/solve.sh
(REFERENCE), measured once on this data; tests/environments/test_ml_experiment.py re-measures
them.
"""

import math

import datagen
import rescore

TRAIN_SEED, TEST_SEED = 1104, 2104
START, REFERENCE = 0.289941, 0.081297
TIME_LIMIT_S = 60
FLOOR = 1000.0
COMMAND = ["python3", "predict.py", "--train", "{io}/train.csv", "--test", "{io}/test.csv",
           "--out", "{io}/predictions.csv"]


def evaluate(hidden):
    train, test = datagen.house_sales(TRAIN_SEED, 1200), datagen.house_sales(TEST_SEED, 2000)
    predicted = rescore.predict_csv(
        COMMAND, datagen.csv_bytes(train), datagen.csv_bytes(test, test[0][:-1]), "id", "price",
        timeout=TIME_LIMIT_S,
    )
    prices = rescore.numbers(predicted, len(test[1]))
    error = rescore.rmse([math.log(max(p, FLOOR)) for p in prices],
                         [math.log(row[-1]) for row in test[1]])
    return rescore.Measurement(error, START, REFERENCE)


rescore.verify(evaluate)
