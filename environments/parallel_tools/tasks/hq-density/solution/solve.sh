#!/bin/bash
# The oracle, one step per paragraph. Every step but the last prints to stderr,
# so the script prints only the answer.

./lookup ironpine-foods.hq_city >&2

./lookup osport.population >&2

./lookup osport.area_km2 >&2

./calc '348424 / 814.8'
