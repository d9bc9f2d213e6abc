import unittest

from tinytmpl import TemplateSyntaxError
from tinytmpl.core import parse, tokenize
from tinytmpl.nodes import For, If, Text, Var


class TokenizeTest(unittest.TestCase):
    def test_kinds_and_lines(self):
        tokens = tokenize("Hi {{ name }}!\n{% if x %}y{% endif %}")
        self.assertEqual(
            tokens,
            [
                ("text", "Hi ", 1),
                ("var", "name", 1),
                ("text", "!\n", 1),
                ("tag", "if x", 2),
                ("text", "y", 2),
                ("tag", "endif", 2),
            ],
        )

    def test_empty_source(self):
        self.assertEqual(tokenize(""), [])


class ParseTest(unittest.TestCase):
    def test_nested_blocks(self):
        nodes = parse("{% for u in users %}{% if u.admin %}*{% else %}-{% endif %}{% endfor %}")
        self.assertEqual(len(nodes), 1)
        loop = nodes[0]
        self.assertIsInstance(loop, For)
        self.assertEqual((loop.name, loop.iterable.path), ("u", "users"))
        branch = loop.body[0]
        self.assertIsInstance(branch, If)
        self.assertEqual([n.text for n in branch.body + branch.else_body], ["*", "-"])

    def test_filters_with_arguments(self):
        [var] = parse("{{ title | truncate:8 | upper }}")
        self.assertIsInstance(var, Var)
        self.assertEqual(var.filters, [("truncate", ["8"]), ("upper", [])])

    def test_text_only(self):
        [text] = parse("plain")
        self.assertIsInstance(text, Text)


class SyntaxErrorTest(unittest.TestCase):
    def assertSyntaxError(self, source, message, line):
        with self.assertRaises(TemplateSyntaxError) as caught:
            parse(source)
        self.assertIn(message, caught.exception.message)
        self.assertEqual(caught.exception.line, line)

    def test_unclosed_block(self):
        self.assertSyntaxError("a\n{% if x %}\nb", "missing {% endif %}", 2)

    def test_unknown_tag(self):
        self.assertSyntaxError("\n\n{% while x %}", "unknown tag 'while'", 3)

    def test_unknown_filter(self):
        self.assertSyntaxError("{{ x | shout }}", "unknown filter 'shout'", 1)

    def test_bad_for(self):
        self.assertSyntaxError("{% for in items %}{% endfor %}", "expected 'for NAME in", 1)

    def test_bad_expression(self):
        self.assertSyntaxError("{{ 1 + 2 }}", "bad expression", 1)
