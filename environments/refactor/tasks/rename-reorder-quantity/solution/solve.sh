#!/bin/bash
# Rename calc_reorder_qty to reorder_quantity in every Python file (the name is unique).
grep -rl --include='*.py' calc_reorder_qty . | xargs sed -i 's/\bcalc_reorder_qty\b/reorder_quantity/g'

# The suite still passes.
python3 -m unittest discover -s tests -t .
