"""Plug-ins: `@strategy` and `@judge` register classes and record their constructor arguments.

A registered class built with arguments keeps them as `obj.spec` (a PluginSpec), so a stored
trial can rebuild exactly what ran. Other packages register through the entry-point groups
`agentlab.strategies` and `agentlab.judges` without touching this repository.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, Literal, TypeVar

from agentlab.types import PluginSpec

Kind = Literal["strategy", "judge"]
GROUPS: dict[Kind, str] = {"strategy": "agentlab.strategies", "judge": "agentlab.judges"}
T = TypeVar("T", bound=type)

_registry: dict[Kind, dict[str, type]] = {"strategy": {}, "judge": {}}


def _register(kind: Kind, name: str) -> Callable[[T], T]:
    def decorate(cls: T) -> T:
        known = _registry[kind].get(name)
        if known is not None and known is not cls:
            raise ValueError(f"{kind} {name!r} is already registered by {known.__qualname__}")
        init = cls.__init__  # type: ignore[misc]
        signature = inspect.signature(init)

        @functools.wraps(init)
        def recording_init(self: Any, *args: Any, **kwargs: Any) -> None:
            bound = signature.bind(self, *args, **kwargs)
            bound.apply_defaults()
            recorded = dict(list(bound.arguments.items())[1:])
            for param in signature.parameters.values():  # **kwargs are kept flat
                if param.kind is inspect.Parameter.VAR_KEYWORD:
                    recorded.update(recorded.pop(param.name, {}))
            self.spec = PluginSpec(kind=kind, name=name, args=recorded)
            init(self, *args, **kwargs)

        cls.__init__ = recording_init  # type: ignore[misc]
        cls.plugin_name = name  # type: ignore[attr-defined]
        _registry[kind][name] = cls
        return cls

    return decorate


def strategy(name: str) -> Callable[[T], T]:
    """Registers a Strategy class under `name`."""
    return _register("strategy", name)


def judge(name: str) -> Callable[[T], T]:
    """Registers a Judge class under `name`."""
    return _register("judge", name)


def adopt(kind: Kind, name: str, cls: type) -> None:
    """Knows a class registered in another process (it arrives registered: its constructor
    already records its arguments), unless this process has one of that name."""
    _registry[kind].setdefault(name, cls)


def available(kind: Kind) -> dict[str, type]:
    """Everything registered of `kind`, entry-point plug-ins included."""
    _load_entry_points(GROUPS[kind])
    return dict(sorted(_registry[kind].items()))


@functools.cache
def _load_entry_points(group: str) -> None:
    """Imports a group's plug-ins once: scanning the installed packages takes milliseconds."""
    for ep in entry_points(group=group):
        ep.load()


def build(spec: PluginSpec) -> Any:
    """An instance built from a spec, e.g. one read back from a stored trial."""
    plugins = available(spec.kind)
    cls = plugins.get(spec.name)
    if cls is None:
        raise ValueError(
            f"unknown {spec.kind} {spec.name!r}; registered: {', '.join(plugins) or 'none'}"
        )
    try:
        return cls(**spec.args)
    except TypeError as exc:
        raise ValueError(f"{spec.kind} {spec}: {exc}") from exc


def parse_spec(kind: Kind, text: str) -> PluginSpec:
    """`best_of_n:n=8,select=vote` -> PluginSpec; values are JSON where they parse, else text.

    Commas inside brackets or quotes belong to the value: `composite:judges=["a","b"]`.
    """
    name, _, rest = text.partition(":")
    if not name:
        raise ValueError(f"--{kind} {text!r}: expected NAME[:key=value,...]")
    args: dict[str, Any] = {}
    for item in filter(None, _top_level_items(rest)):
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--{kind} {text!r}: {item!r} is not key=value")
        try:
            args[key] = json.loads(value)
        except ValueError:
            args[key] = value
    return PluginSpec(kind=kind, name=name, args=args)


def _top_level_items(text: str) -> list[str]:
    """`text` split at the commas that are outside brackets, braces and double quotes."""
    items: list[str] = []
    depth, quoted, start = 0, False, 0
    for i, char in enumerate(text):
        if char == '"' and text[i - 1 : i] != "\\":
            quoted = not quoted
        elif not quoted and char in "[{":
            depth += 1
        elif not quoted and char in "]}":
            depth -= 1
        elif not quoted and depth == 0 and char == ",":
            items.append(text[start:i])
            start = i + 1
    return [*items, text[start:]]
