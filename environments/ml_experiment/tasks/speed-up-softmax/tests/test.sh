#!/bin/bash
# Times the workspace's softmax.fit against hidden copies of the starting and the reference code
# on hidden data, checks its results, and writes reward.json (see score.py).
python3 "$AGENTLAB_TESTS_DIR/score.py"
