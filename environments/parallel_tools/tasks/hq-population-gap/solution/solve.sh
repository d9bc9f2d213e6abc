#!/bin/bash
# The oracle, one step per paragraph. Every step but the last prints to stderr,
# so the script prints only the answer.

./lookup copperleaf-freight.hq_city >&2

./lookup copperleaf-systems.hq_city >&2

./lookup nalmark.population >&2

./lookup tirtrin.population >&2

./calc '1537746 - 181982'
