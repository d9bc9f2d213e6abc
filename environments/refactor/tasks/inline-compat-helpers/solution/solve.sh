#!/bin/bash
# Inline the compat helpers at every call site: iteritems(m) -> m.items(),
# text_type(x) -> str(x), string_types -> str.
sed -i -E 's/\biteritems\(([^()]*)\)/\1.items()/g; s/\btext_type\(/str(/g; s/\bstring_types\b/str/g' feedkit/*.py

# Drop the imports of the module, then the module and its own tests.
sed -i '/^from \.compat import /d' feedkit/*.py
rm feedkit/compat.py tests/test_compat.py

# The suite still passes.
python3 -m unittest discover -s tests -t .
