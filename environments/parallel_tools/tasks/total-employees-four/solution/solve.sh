#!/bin/bash
# The oracle, one step per paragraph. Every step but the last prints to stderr,
# so the script prints only the answer.

./lookup lumen-systems.employees >&2

./lookup saltmarsh-foods.employees >&2

./lookup copperleaf-foods.employees >&2

./lookup saltmarsh-systems.employees >&2

./calc '16170 + 54057 + 12506 + 2445'
