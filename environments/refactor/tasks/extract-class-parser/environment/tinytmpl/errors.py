"""Errors raised while parsing or rendering templates."""


class TemplateError(Exception):
    """Rendering failed, e.g. a strict template met an undefined name."""


class TemplateSyntaxError(TemplateError):
    """The template source is malformed; `line` is where (1-based)."""

    def __init__(self, message, line):
        super().__init__(f"line {line}: {message}")
        self.message = message
        self.line = line
