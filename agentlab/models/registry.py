"""Model addresses: `get_model("openai/gpt-4o-mini")` and the providers behind the prefixes.

An address is `<provider>/<rest>`; the provider registered for the prefix turns `rest` (and any
keyword options) into a ModelClient. Built in:

- `openai/<model>`: OpenAI's API at $OPENAI_BASE_URL or https://api.openai.com/v1
- `openai-compatible/<model>@<base_url>`: any OpenAI-compatible server; the model name may hold
  slashes, colons and `@` (the split is at the last `@` that starts a URL)
- `sim/<skill>`: the simulated model (agentlab.models.sim, imported on first use)

A plug-in adds a prefix with `@model_provider("name")` on a factory `(rest, **options)`.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from agentlab.models.base import ModelClient
from agentlab.models.metered import Metered

ProviderFactory = Callable[..., ModelClient]
"""`factory(rest, **options) -> ModelClient`, where `rest` is the address after `<prefix>/`."""

F = TypeVar("F", bound=ProviderFactory)


class ProviderRegistry:
    """Factories by address prefix. `providers` is the default every `get_model` uses."""

    def __init__(self) -> None:
        self._factories: dict[str, ProviderFactory] = {}

    def register(self, prefix: str) -> Callable[[F], F]:
        """Decorator: `factory` answers addresses `<prefix>/...`. A prefix is taken once."""
        if not prefix or "/" in prefix:
            raise ValueError(f"a model provider prefix must be non-empty without '/': {prefix!r}")

        def decorate(factory: F) -> F:
            existing = self._factories.get(prefix)
            if existing is not None and existing is not factory:
                raise ValueError(f"model provider {prefix!r} is already registered ({existing})")
            self._factories[prefix] = factory
            return factory

        return decorate

    def known(self) -> list[str]:
        return sorted(self._factories)

    def get_model(self, address: str, **options: Any) -> ModelClient:
        """The client an address names, metered (agentlab.models.metered); `options` go to the
        provider's factory."""
        prefix, sep, rest = address.partition("/")
        known = ", ".join(self.known())
        if not sep or not prefix or not rest:
            raise ValueError(
                f"model address {address!r} is not '<provider>/<model>', "
                f"e.g. 'openai/gpt-4o-mini'; known providers: {known}"
            )
        factory = self._factories.get(prefix)
        if factory is None:
            raise ValueError(f"unknown model provider {prefix!r} in {address!r}; known: {known}")
        return Metered(factory(rest, **options), address)


providers = ProviderRegistry()
model_provider = providers.register
get_model = providers.get_model


# -- built-in providers ---------------------------------------------------------------------

_URL_START = re.compile(r"@(?=[A-Za-z][A-Za-z0-9+.-]*://)")


def split_model_at_url(rest: str) -> tuple[str, str]:
    """`Qwen/Qwen2.5-7B:latest@http://host:8000/v1` -> (model, base URL).

    Splits at the last `@` followed by a URL scheme, so model names may contain `@` and
    base URLs may carry `user:password@`.
    """
    starts = [match.start() for match in _URL_START.finditer(rest)]
    if not starts or starts[-1] == 0:
        raise ValueError(
            f"openai-compatible address needs '<model>@<base_url>' with an http(s) base URL, "
            f"e.g. 'openai-compatible/llama3@http://127.0.0.1:11434/v1'; got {rest!r}"
        )
    model, base_url = rest[: starts[-1]], rest[starts[-1] + 1 :]
    if not base_url.startswith(("http://", "https://")):
        raise ValueError(f"openai-compatible base URL must be http(s): {base_url!r}")
    return model, base_url


@model_provider("openai")
def _openai(rest: str, **options: Any) -> ModelClient:
    from agentlab.models.openai import DEFAULT_BASE_URL, OpenAIModel

    base_url = os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
    return OpenAIModel(rest, base_url=base_url, dialect="openai", **options)


@model_provider("openai-compatible")
def _openai_compatible(rest: str, **options: Any) -> ModelClient:
    from agentlab.models.openai import OpenAIModel

    model, base_url = split_model_at_url(rest)
    return OpenAIModel(model, base_url=base_url, dialect="compatible", **options)


@model_provider("sim")
def _sim(rest: str, **options: Any) -> ModelClient:
    sim = importlib.import_module("agentlab.models.sim")  # imported only when a sim is asked for
    client: ModelClient = sim.SimModel(sim.parse_skill(rest), **options)
    return client


@model_provider("replay")
def _replay(rest: str, **options: Any) -> ModelClient:
    """`replay/<trajectory file>`: the recorded outputs of a stored trial, in order."""
    from agentlab.models.replay import ReplayModel

    if options:
        raise ValueError(f"replay/{rest}: a replay takes no options, got {sorted(options)}")
    return ReplayModel.from_file(Path(rest))
