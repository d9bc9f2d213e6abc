#!/bin/bash
# The oracle, one step per paragraph. Every step but the last prints to stderr,
# so the script prints only the answer.

./lookup ironpine-foods.hq_city >&2

./lookup ironpine-systems.hq_city >&2

./lookup nalmark.country >&2

./lookup lismouth.country >&2

./lookup norheim.capital >&2

./lookup tamheim.capital >&2

./lookup sarmouth.population >&2

./lookup lismouth.population >&2

./calc '2137844 + 2342642'
