#!/bin/bash
# Trains the workspace's train.py on a hidden export and scores hidden snapshot-day customers;
# writes reward.json (see score.py).
python3 "$AGENTLAB_TESTS_DIR/score.py"
