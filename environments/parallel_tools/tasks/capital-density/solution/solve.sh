#!/bin/bash
# The oracle, one step per paragraph. Every step but the last prints to stderr,
# so the script prints only the answer.

./lookup valvia.capital >&2

./lookup lisford.population >&2

./lookup lisford.area_km2 >&2

./calc '1650941 / 823.5'
