#!/bin/bash
# The oracle, one step per paragraph. Every step but the last prints to stderr,
# so the script prints only the answer.

./lookup mormark.population >&2

./lookup mormark.area_km2 >&2

./lookup dunholm.population >&2

./lookup dunholm.area_km2 >&2

./lookup sarby.population >&2

./lookup sarby.area_km2 >&2

./lookup ashgrad.population >&2

./lookup ashgrad.area_km2 >&2

./calc '1344203 / 435.3' >&2

./calc '2626745 / 859.7' >&2

./calc '1003480 / 715.0' >&2

./calc '2772200 / 577.2' >&2

echo mormark 3087.9922 dunholm 3055.4205 sarby 1403.4685 ashgrad 4802.8413 | xargs -n2 | sort -k2 -g | tail -n1 | cut -d' ' -f1
