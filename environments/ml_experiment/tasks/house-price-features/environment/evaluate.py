"""Holdout error of predict.py: trains on the first 900 rows of data/sales.csv and prints the
RMSE of log prices on the last 300 (the metric the verifier uses)."""

import csv
import math
import os
import subprocess
import sys
import tempfile


def main():
    with open("data/sales.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    with tempfile.TemporaryDirectory() as tmp:
        paths = {name: os.path.join(tmp, name) for name in ("train.csv", "test.csv", "pred.csv")}
        for name, part in (("train.csv", rows[:900]), ("test.csv", rows[900:])):
            with open(paths[name], "w", newline="") as f:
                writer = csv.DictWriter(f, rows[0].keys())
                writer.writeheader()
                writer.writerows(part)
        subprocess.run([sys.executable, "predict.py", "--train", paths["train.csv"],
                        "--test", paths["test.csv"], "--out", paths["pred.csv"]], check=True)
        with open(paths["pred.csv"], newline="") as f:
            predicted = {r["id"]: float(r["price"]) for r in csv.DictReader(f)}
    errors = [(math.log(max(predicted[r["id"]], 1000.0)) - math.log(float(r["price"]))) ** 2
              for r in rows[900:]]
    print(f"holdout RMSE of log price: {math.sqrt(sum(errors) / len(errors)):.4f}")


if __name__ == "__main__":
    main()
