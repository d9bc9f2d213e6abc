#!/bin/bash
# Runs the workspace's predict.py on hidden sales and writes reward.json (see score.py).
python3 "$AGENTLAB_TESTS_DIR/score.py"
