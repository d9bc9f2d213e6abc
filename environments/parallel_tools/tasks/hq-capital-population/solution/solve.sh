#!/bin/bash
# The oracle, one step per paragraph. Every step but the last prints to stderr,
# so the script prints only the answer.

./lookup ironpine-textiles.hq_city >&2

./lookup tirford.country >&2

./lookup orvheim.capital >&2

./lookup brenvale.population
