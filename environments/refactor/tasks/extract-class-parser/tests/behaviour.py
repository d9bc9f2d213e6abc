import unittest

import tinytmpl.core
from tinytmpl import Template, TemplateSyntaxError, render
from tinytmpl.analysis import variables
from tinytmpl.nodes import For, If, Text, Var
from tinytmpl.parser import Parser, tokenize

SOURCE = "Dear {{ who | title }},\n{% for o in orders %}#{{ o.id }}{% if loop.last %}{% else %}, {% endif %}{% endfor %}"


class ParserTest(unittest.TestCase):
    def test_the_parser_keeps_its_tokens_and_position(self):
        parser = Parser(SOURCE)
        self.assertEqual(parser.tokens, tokenize(SOURCE))
        self.assertEqual(parser.pos, 0)
        nodes = parser.parse()
        self.assertEqual(parser.pos, len(parser.tokens))
        self.assertEqual([type(n) for n in nodes], [Text, Var, Text, For])
        self.assertEqual(nodes[1].filters, [("title", [])])
        self.assertIsInstance(nodes[3].body[2], If)

    def test_tokenize_is_unchanged(self):
        self.assertEqual(
            tokenize("a{{b}}\n{%c%}"),
            [("text", "a", 1), ("var", "b", 1), ("text", "\n", 1), ("tag", "c", 2)],
        )

    def test_errors_name_the_line(self):
        for source, line, message in [
            ("x\n\n{% for x in xs %}", 3, "missing {% endfor %}"),
            ("{% if %}{% endif %}", 1, "if needs a condition"),
            ("\n{{ a | nope }}", 2, "unknown filter 'nope'"),
            ("{% else %}", 1, "unknown tag 'else'"),
        ]:
            with self.subTest(source=source):
                with self.assertRaises(TemplateSyntaxError) as caught:
                    Parser(source).parse()
                self.assertEqual((caught.exception.line, caught.exception.message), (line, message))

    def test_core_no_longer_parses(self):
        for name in (
            "parse",
            "tokenize",
            "_parse_block",
            "_parse_if",
            "_parse_for",
            "_parse_expression",
        ):
            self.assertFalse(hasattr(tinytmpl.core, name), name)


class UnchangedBehaviourTest(unittest.TestCase):
    def test_rendering(self):
        orders = [{"id": 7}, {"id": 9}]
        self.assertEqual(render(SOURCE, who="ms smith", orders=orders), "Dear Ms Smith,\n#7, #9")
        self.assertEqual(Template('{{ x | default:"none" | upper }}').render(), "NONE")

    def test_analysis(self):
        self.assertEqual(variables(SOURCE), ["orders", "who"])
