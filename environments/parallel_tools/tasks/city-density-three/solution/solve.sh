#!/bin/bash
# The oracle, one step per paragraph. Every step but the last prints to stderr,
# so the script prints only the answer.

./lookup ashmouth.population >&2

./lookup ashmouth.area_km2 >&2

./lookup vorstad.population >&2

./lookup vorstad.area_km2 >&2

./lookup mormouth.population >&2

./lookup mormouth.area_km2 >&2

./calc '1341193 / 84.7' >&2

./calc '774607 / 337.9' >&2

./calc '521155 / 597.5' >&2

echo ashmouth 15834.6281 vorstad 2292.4149 mormouth 872.2259 | xargs -n2 | sort -k2 -g | tail -n1 | cut -d' ' -f1
