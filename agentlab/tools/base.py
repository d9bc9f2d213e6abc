"""Declaring tools: a typed async function becomes a Tool with an OpenAI function schema.

The first parameter of a tool function is the sandbox; the others are the arguments the model
gives, described by their type hints (with `Annotated[T, "description"]` or a pydantic
`Field(description=...)`) and validated by a pydantic model built from the signature.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from agentlab.models.base import ToolSchema

ToolFunction = Callable[..., Awaitable["str | Submission"]]

# JSON-schema keywords whose values are data, not schemas: "title" inside them is kept.
_DATA_KEYWORDS = frozenset({"default", "const", "enum", "examples"})
_SCHEMA_MAPS = frozenset({"properties", "$defs", "patternProperties"})


class ToolError(Exception):
    """Raised by a tool to report a failure to the model; its message becomes the observation."""


@dataclass(frozen=True)
class Submission:
    """Returned by a tool that ends the episode: `answer` is the final answer or patch."""

    answer: str


@dataclass(frozen=True)
class Tool:
    """A tool the model can call: its name, description, argument model and function."""

    name: str
    description: str
    arguments: type[BaseModel]
    fn: ToolFunction

    def schema(self) -> ToolSchema:
        """The OpenAI function-calling schema: plain JSON schema, no pydantic titles."""
        parameters = json.loads(_parameters(self.arguments))  # a copy the caller may change
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": parameters,
            },
        }

    def usage(self) -> str:
        """A signature for error messages: `bash(command: string, timeout: integer = 120)`."""
        parameters = self.schema()["function"]["parameters"]
        args = []
        for name, prop in parameters["properties"].items():
            kinds = [prop.get("type")] + [s.get("type") for s in prop.get("anyOf", [])]
            arg = f"{name}: {'|'.join(k for k in kinds if k) or 'any'}"
            if "default" in prop:
                arg += f" = {json.dumps(prop['default'])}"
            args.append(arg)
        return f"{self.name}({', '.join(args)})"


def tool(fn: ToolFunction) -> Tool:
    """Declares `async def name(sandbox, arg: T, ...) -> str | Submission` as a Tool.

    The docstring, its paragraphs unwrapped, is the description the model reads: required.
    """
    if not inspect.iscoroutinefunction(fn):
        raise TypeError(f"tool {fn.__name__}: must be an async function")
    doc = inspect.getdoc(fn)
    if not doc:
        raise TypeError(f"tool {fn.__name__}: needs a docstring (the model reads it)")
    description = "\n\n".join(p.replace("\n", " ") for p in doc.split("\n\n"))  # unwrapped
    params = list(inspect.signature(fn).parameters.values())
    if not params:
        raise TypeError(f"tool {fn.__name__}: the first parameter must be the sandbox")
    hints = get_type_hints(fn, include_extras=True)
    fields: dict[str, Any] = {}
    for param in params[1:]:
        if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            raise TypeError(f"tool {fn.__name__}: parameter {param.name} must be named, not *")
        if param.name not in hints:
            raise TypeError(f"tool {fn.__name__}: parameter {param.name} needs a type hint")
        default = ... if param.default is param.empty else param.default
        fields[param.name] = (_described(hints[param.name]), default)
    arguments = create_model(
        f"{fn.__name__}_arguments", __config__=ConfigDict(extra="forbid"), **fields
    )
    return Tool(name=fn.__name__, description=description, arguments=arguments, fn=fn)


def _described(hint: Any) -> Any:
    """`Annotated[T, "text"]` becomes `Annotated[T, Field(description="text")]` for pydantic."""
    if get_origin(hint) is not Annotated:
        return hint
    base, *metadata = get_args(hint)
    texts = [m for m in metadata if isinstance(m, str)]
    if not texts:
        return hint
    others = [m for m in metadata if not isinstance(m, str)]
    return Annotated[(base, *others, Field(description=" ".join(texts)))]


@functools.cache
def _parameters(arguments: type[BaseModel]) -> str:
    """The arguments' JSON schema as text, made once per model: pydantic takes milliseconds."""
    parameters = _strip_titles(arguments.model_json_schema())
    parameters.setdefault("required", [])
    return json.dumps(parameters)


def _strip_titles(schema: dict[str, Any]) -> dict[str, Any]:
    """Drops pydantic's generated "title" keys, keeping properties that happen to be so named."""
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title":
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            result[key] = {name: _strip_titles(sub) for name, sub in value.items()}
        elif key in _DATA_KEYWORDS:
            result[key] = value
        elif isinstance(value, dict):
            result[key] = _strip_titles(value)
        elif isinstance(value, list):
            result[key] = [_strip_titles(v) if isinstance(v, dict) else v for v in value]
        else:
            result[key] = value
    return result
