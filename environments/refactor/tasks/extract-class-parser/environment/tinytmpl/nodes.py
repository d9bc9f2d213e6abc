"""The syntax tree of a template; each node renders itself into a list of strings."""

from .context import lookup
from .filters import apply_filters


class Text:
    def __init__(self, text):
        self.text = text

    def render(self, scopes, out, strict):
        out.append(self.text)

    def __repr__(self):
        return f"Text({self.text!r})"


class Var:
    def __init__(self, path, filters=()):
        self.path = path
        self.filters = list(filters)

    def evaluate(self, scopes, strict):
        value = self.path[1:-1] if self.path[:1] == '"' else lookup(scopes, self.path, strict)
        return apply_filters(value, self.filters)

    def render(self, scopes, out, strict):
        out.append(str(self.evaluate(scopes, strict)))

    def __repr__(self):
        return f"Var({self.path!r}, {self.filters!r})"


class If:
    def __init__(self, condition, body, else_body=()):
        self.condition = condition
        self.body = body
        self.else_body = list(else_body)

    def render(self, scopes, out, strict):
        branch = self.body if self.condition.evaluate(scopes, False) else self.else_body
        for node in branch:
            node.render(scopes, out, strict)

    def __repr__(self):
        return f"If({self.condition!r}, {self.body!r}, {self.else_body!r})"


class For:
    def __init__(self, name, iterable, body):
        self.name = name
        self.iterable = iterable
        self.body = body

    def render(self, scopes, out, strict):
        items = list(self.iterable.evaluate(scopes, strict) or ())
        for index, item in enumerate(items):
            loop = {"index": index + 1, "first": index == 0, "last": index == len(items) - 1}
            scopes.append({self.name: item, "loop": loop})
            try:
                for node in self.body:
                    node.render(scopes, out, strict)
            finally:
                scopes.pop()

    def __repr__(self):
        return f"For({self.name!r}, {self.iterable!r}, {self.body!r})"
