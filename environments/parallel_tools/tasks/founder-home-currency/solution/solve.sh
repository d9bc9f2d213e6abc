#!/bin/bash
# The oracle, one step per paragraph. Every step but the last prints to stderr,
# so the script prints only the answer.

./lookup copperleaf-works.founder >&2

./lookup oskar-moreau.born_in >&2

./lookup nalgrad.country >&2

./lookup norheim.currency
