#!/bin/bash
# The oracle, one step per paragraph. Every step but the last prints to stderr,
# so the script prints only the answer.

./lookup stonegate-systems.employees >&2

./lookup saltmarsh-systems.employees >&2

./lookup lumen-freight.employees >&2

./lookup quill-works.employees >&2

./lookup bluefen-textiles.employees >&2

./lookup bluefen-systems.employees >&2

./calc '43636 + 27717 + 30098 + 352 + 15414 + 30585'
