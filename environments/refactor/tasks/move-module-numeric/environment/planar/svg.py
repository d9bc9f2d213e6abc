"""SVG output: shapes as path data and a whole drawing as a document."""

from .helpers import clamp
from .shapes import Circle, Polygon


def _num(value):
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def path_data(polygon):
    first, *rest = polygon.points
    parts = [f"M{_num(first.x)},{_num(first.y)}"]
    parts += [f"L{_num(p.x)},{_num(p.y)}" for p in rest]
    return " ".join(parts) + " Z"


def element(shape, opacity=1.0):
    """An SVG element for a Polygon or Circle; opacity is clamped to [0, 1]."""
    style = f'fill-opacity="{_num(clamp(opacity, 0.0, 1.0))}"'
    if isinstance(shape, Polygon):
        return f'<path d="{path_data(shape)}" {style}/>'
    if isinstance(shape, Circle):
        c = shape.center
        return f'<circle cx="{_num(c.x)}" cy="{_num(c.y)}" r="{_num(shape.radius)}" {style}/>'
    raise TypeError(f"cannot draw {type(shape).__name__}")


def document(shapes, width, height):
    body = "".join(f"\n  {element(s)}" for s in shapes)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">{body}\n</svg>'
    )
