import unittest

from tinytmpl.analysis import variables


class VariablesTest(unittest.TestCase):
    def test_loop_variables_are_not_context_names(self):
        source = "{% for p in people %}{{ p.name }} {{ loop.index }} {{ sep }}{% endfor %}"
        self.assertEqual(variables(source), ["people", "sep"])

    def test_conditions_count(self):
        self.assertEqual(
            variables('{% if admin %}{{ "x" }}{% else %}{{ user }}{% endif %}'), ["admin", "user"]
        )
