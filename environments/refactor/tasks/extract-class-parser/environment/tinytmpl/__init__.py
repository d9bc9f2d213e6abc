"""tinytmpl: a small text templating library.

{{ user.name | title }} has {{ items | length }} items.
{% for item in items %}- {{ item }}
{% endfor %}{% if admin %}(admin){% else %}(user){% endif %}
"""

from .core import Template, render
from .errors import TemplateError, TemplateSyntaxError
from .loader import Loader

__all__ = ["Loader", "Template", "TemplateError", "TemplateSyntaxError", "render"]
