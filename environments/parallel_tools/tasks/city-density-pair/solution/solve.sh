#!/bin/bash
# The oracle, one step per paragraph. Every step but the last prints to stderr,
# so the script prints only the answer.

./lookup sarholm.population >&2

./lookup sarholm.area_km2 >&2

./lookup vorford.population >&2

./lookup vorford.area_km2 >&2

./calc '1591612 / 606.5' >&2

./calc '2853220 / 383.2' >&2

echo sarholm 2624.2572 vorford 7445.7724 | xargs -n2 | sort -k2 -g | tail -n1 | cut -d' ' -f1
