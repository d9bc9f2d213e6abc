#!/bin/bash
# Move planar/helpers.py to planar/util/numeric.py, in a new package planar.util.
mkdir -p planar/util
printf '"""Utilities shared by the geometry modules."""\n' > planar/util/__init__.py
mv planar/helpers.py planar/util/numeric.py

# Every import of the old module names the new one (absolute, relative and `from . import`).
sed -i 's/^from \.helpers import/from .util.numeric import/' planar/__init__.py planar/vector.py planar/svg.py
sed -i 's/^from planar\.helpers import/from planar.util.numeric import/' planar/transform.py
sed -i 's/^from \. import helpers$/from .util import numeric/; s/\bhelpers\./numeric./g' planar/shapes.py

# The helpers' tests follow the module.
mv tests/test_helpers.py tests/test_numeric.py
sed -i 's/^import planar\.helpers as h$/import planar.util.numeric as h/; s/class HelpersTest/class NumericTest/' tests/test_numeric.py

# The suite still passes.
python3 -m unittest discover -s tests -t .
