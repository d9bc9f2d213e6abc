#!/bin/bash
# The oracle, one step per paragraph. Every step but the last prints to stderr,
# so the script prints only the answer.

./lookup copperleaf-works.founder >&2

./lookup oakhollow-foods.founder >&2

./lookup copperleaf-labs.founder >&2

./lookup joran-falk.born >&2

./lookup lena-falk.born >&2

./lookup oskar-marrow.born >&2

echo joran-falk 1863 lena-falk 1923 oskar-marrow 1875 | xargs -n2 | sort -k2 -g | head -n1 | cut -d' ' -f1
