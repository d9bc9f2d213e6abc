#!/bin/bash
# The oracle, one step per paragraph. Every step but the last prints to stderr,
# so the script prints only the answer.

./lookup lumen-freight.founder >&2

./lookup lumen-freight.founded >&2

./lookup ilsa-lindqvist.born >&2

./calc '1976 - 1934'
