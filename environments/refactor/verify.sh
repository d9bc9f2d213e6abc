#!/bin/bash
# The refactor family's verifier; every task's tests/test.sh links here.
# Three metrics, each 0 or 1, and reward = 1 only when all hold:
#   repo_tests  the repository's own suite passes (python3 -m unittest discover -s tests -t .)
#   behaviour   the hidden tests/behaviour.py, written against the refactored API, passes
#   structure   the AST checks of tests/structure.json hold (astcheck.py)
T="$AGENTLAB_TESTS_DIR"
cd "$AGENTLAB_WORKSPACE" || exit 1
export PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$PWD"

# run NAME CMD...: runs CMD, printing its output's tail and NAME's failure when it fails
run() {
  local name=$1 out
  shift
  if out=$(timeout 60 "$@" 2>&1); then
    return 0
  fi
  printf '%s\n' "$out" | tail -n 25
  echo "FAIL $name"
  return 1
}

repo_tests=0 behaviour=0 structure=0
run "the repository's own tests do not pass" \
  python3 -m unittest discover -s tests -t . && repo_tests=1
run "the hidden behaviour tests do not pass" \
  python3 -m unittest discover -s "$T" -t "$T" -p behaviour.py && behaviour=1
python3 "$T/astcheck.py" "$T/structure.json" . && structure=1

reward=$((repo_tests * behaviour * structure))
printf '{"repo_tests": %d, "behaviour": %d, "structure": %d, "reward": %d}\n' \
  "$repo_tests" "$behaviour" "$structure" "$reward" >"$AGENTLAB_VERIFIER_DIR/reward.json"
echo "reward $reward (repo_tests $repo_tests, behaviour $behaviour, structure $structure)"
