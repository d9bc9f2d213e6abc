#!/bin/bash
# The oracle, one step per paragraph. Every step but the last prints to stderr,
# so the script prints only the answer.

./lookup copperleaf-systems.revenue_musd >&2

./lookup copperleaf-systems.employees >&2

./lookup northwind-systems.revenue_musd >&2

./lookup northwind-systems.employees >&2

./lookup redmoss-motors.revenue_musd >&2

./lookup redmoss-motors.employees >&2

./calc '7912.4 * 1000000 / 34031' >&2

./calc '176.6 * 1000000 / 55901' >&2

./calc '2680.5 * 1000000 / 53212' >&2

echo copperleaf-systems 232505.6566 northwind-systems 3159.1564 redmoss-motors 50373.9758 | xargs -n2 | sort -k2 -g | tail -n1 | cut -d' ' -f1
