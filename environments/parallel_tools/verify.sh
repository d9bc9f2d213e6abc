#!/bin/bash
# The parallel_tools family's verifier; every task's tests/test.sh links here.
# Compares the answer with tests/expected.json: a name exactly (spaces and backticks around it
# aside), a number within 0.1% (or 0.01); thousands separators are allowed. reward.txt: 1 or 0.
echo 0 > "$AGENTLAB_VERIFIER_DIR/reward.txt"
python3 - "$AGENTLAB_TESTS_DIR/expected.json" "$AGENTLAB_ANSWER_FILE" \
  "$AGENTLAB_VERIFIER_DIR/reward.txt" <<'PY'
import json
import math
import sys
from pathlib import Path

expected_file, answer_file, reward_file = (Path(a) for a in sys.argv[1:])
expected = json.loads(expected_file.read_text())
answer = answer_file.read_text().strip().strip("`").strip() if answer_file.is_file() else ""
if expected["kind"] == "number":
    try:
        got = float(answer.replace(",", ""))
    except ValueError:
        got = math.nan
    want = float(expected["answer"])
    right = abs(got - want) <= max(1e-3 * abs(want), 0.01)
else:
    right = answer == expected["answer"]
print(f"answer: {answer!r} expected: {expected['answer']!r} ({expected['kind']}): "
      f"{'right' if right else 'wrong'}")
reward_file.write_text("1\n" if right else "0\n")
PY
