#!/bin/bash
# Runs the workspace's knn.py with its config.json on hidden data; writes reward.json (score.py).
python3 "$AGENTLAB_TESTS_DIR/score.py"
