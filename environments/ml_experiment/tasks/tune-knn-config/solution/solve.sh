# where we start: unscaled distances, all twelve features, one neighbour
python3 validate.py

# a small search: scaling, feature subsets (features with little signal only add noise to the
# distances), k, and the vote weights, each scored on the holdout
cat > search.py <<'PY'
import json, subprocess, sys
ALL = [f"f{i}" for i in range(1, 13)]
candidates = [
    {"scale": "standard", "features": ALL, "k": 15},
    {"scale": "standard", "features": ["f3", "f8", "f11"], "k": 15},
    {"scale": "standard", "features": ["f3", "f8"], "k": 5},
    {"scale": "standard", "features": ["f3", "f8"], "k": 15},
    {"scale": "standard", "features": ["f3", "f8"], "k": 31},
    {"scale": "minmax", "features": ["f3", "f8"], "k": 15},
]
for c in candidates:
    config = {"metric": "euclidean", "weights": "uniform", **c}
    json.dump(config, open("candidate.json", "w"))
    out = subprocess.run([sys.executable, "validate.py", "candidate.json"],
                         capture_output=True, text=True, check=True).stdout.strip()
    print(out, c["scale"], c["k"], c["features"])
PY
python3 search.py

# the two informative features, standardized, with fifteen neighbours
cat > config.json <<'JSON'
{
  "k": 15,
  "metric": "euclidean",
  "scale": "standard",
  "weights": "uniform",
  "features": ["f3", "f8"]
}
JSON
python3 validate.py
