import os
import tempfile
import unittest

from tinytmpl import Loader, Template, TemplateError, render


class RenderTest(unittest.TestCase):
    def test_variables_and_filters(self):
        user = {"name": "ada lovelace", "langs": ["en", "fr"]}
        self.assertEqual(
            render("{{ user.name | title }} speaks {{ user.langs | join:/ }}", user=user),
            "Ada Lovelace speaks en/fr",
        )

    def test_attributes_and_defaults(self):
        class Page:
            title = ""

        self.assertEqual(render('{{ page.title | default:"untitled" }}', page=Page()), "untitled")
        self.assertEqual(render("[{{ missing }}]"), "[]")

    def test_loops_know_their_position(self):
        source = (
            "{% for x in xs %}{{ loop.index }}:{{ x }}"
            "{% if loop.last %}.{% else %}, {% endif %}{% endfor %}"
        )
        self.assertEqual(render(source, xs="abc"), "1:a, 2:b, 3:c.")

    def test_truncate(self):
        self.assertEqual(render("{{ s | truncate:5 }}", s="templating"), "temp…")

    def test_strict_templates_reject_undefined_names(self):
        with self.assertRaises(TemplateError):
            Template("{{ nope }}", strict=True).render()

    def test_a_template_renders_many_times(self):
        template = Template("{{ n | length }}")
        self.assertEqual([template.render(n=[1] * k) for k in range(3)], ["0", "1", "2"])


class LoaderTest(unittest.TestCase):
    def test_reloads_changed_files(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "hello.txt")
            with open(path, "w") as f:
                f.write("Hello {{ who }}")
            loader = Loader(folder)
            self.assertEqual(loader.render("hello.txt", who="you"), "Hello you")
            with open(path, "w") as f:
                f.write("Bye {{ who }}")
            os.utime(path, ns=(0, 10**9))
            self.assertEqual(loader.render("hello.txt", who="you"), "Bye you")

    def test_refuses_paths_outside_its_folder(self):
        with tempfile.TemporaryDirectory() as folder:
            with self.assertRaises(ValueError):
                Loader(folder).get("../etc/passwd")
