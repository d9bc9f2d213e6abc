#!/bin/bash
# Runs the workspace's model.fit_predict on hidden data and writes reward.json (see score.py).
python3 "$AGENTLAB_TESTS_DIR/score.py"
