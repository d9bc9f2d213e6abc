"""Model addresses: which client a string names, and how a plug-in adds a provider.

(`sim/<skill>` addresses are tested with the simulator.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from agentlab.models import limits
from agentlab.models.base import ModelClient
from agentlab.models.limits import LimiterRegistry, Limits
from agentlab.models.metered import Metered
from agentlab.models.openai import OpenAIModel
from agentlab.models.registry import ProviderRegistry, get_model, providers, split_model_at_url
from agentlab.types import Choice, Completion, Message


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(limits, "registry", LimiterRegistry())


@pytest.fixture
async def opened() -> AsyncIterator[Callable[..., OpenAIModel]]:
    """get_model for OpenAI addresses, closing what it made at the end."""
    made: list[OpenAIModel] = []

    def open_model(address: str, **options: Any) -> OpenAIModel:
        metered = get_model(address, **options)
        assert isinstance(metered, Metered)
        model = metered.inner
        assert isinstance(model, OpenAIModel)
        made.append(model)
        return model

    yield open_model
    for model in made:
        await model.aclose()


def test_the_built_in_providers_are_known() -> None:
    assert {"openai", "openai-compatible", "sim"} <= set(providers.known())


def test_openai_addresses_use_the_default_base_url(
    opened: Callable[..., OpenAIModel], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    model = opened("openai/gpt-4o-mini")
    assert (model.model, model.endpoint, model.dialect) == (
        "gpt-4o-mini", "https://api.openai.com/v1", "openai")  # fmt: skip
    assert model.name == "openai/gpt-4o-mini"


def test_openai_base_url_comes_from_the_environment(
    opened: Callable[..., OpenAIModel], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:4000/v1")
    assert opened("openai/gpt-4o").endpoint == "http://127.0.0.1:4000/v1"


def test_compatible_model_names_keep_slashes_and_colons(
    opened: Callable[..., OpenAIModel],
) -> None:
    model = opened("openai-compatible/Qwen/Qwen2.5-7B:latest@http://127.0.0.1:8000/v1")
    assert (model.model, model.endpoint, model.dialect) == (
        "Qwen/Qwen2.5-7B:latest", "http://127.0.0.1:8000/v1", "compatible")  # fmt: skip
    assert model.name == "openai-compatible/Qwen/Qwen2.5-7B:latest@http://127.0.0.1:8000/v1"


@pytest.mark.parametrize(
    ("rest", "expected"),
    [
        ("llama3@http://127.0.0.1:11434/v1", ("llama3", "http://127.0.0.1:11434/v1")),
        ("claude@2024@https://proxy.example/v1", ("claude@2024", "https://proxy.example/v1")),
        ("m@http://user:pw@proxy.example/v1", ("m", "http://user:pw@proxy.example/v1")),
    ],
    ids=["plain", "at-in-model", "credentials-in-url"],
)
def test_the_base_url_starts_at_the_last_at_before_a_scheme(
    rest: str, expected: tuple[str, str]
) -> None:
    assert split_model_at_url(rest) == expected


def test_names_never_show_url_credentials(opened: Callable[..., OpenAIModel]) -> None:
    model = opened("openai-compatible/m@http://user:pw@127.0.0.1:8000/v1")
    assert "pw" not in model.name and "pw" not in repr(model)


@pytest.mark.parametrize("rest", ["llama3", "llama3@", "@http://127.0.0.1:8000/v1",
                                  "llama3@127.0.0.1:8000/v1"])  # fmt: skip
def test_compatible_addresses_need_a_model_and_an_http_url(rest: str) -> None:
    with pytest.raises(ValueError, match="'<model>@<base_url>'"):
        get_model(f"openai-compatible/{rest}")


def test_options_reach_the_client(opened: Callable[..., OpenAIModel]) -> None:
    model = opened("openai-compatible/m@http://127.0.0.1:8000/v1", timeout_s=5.0,
                   limits=Limits(max_concurrency=3))  # fmt: skip
    assert model.timeout_s == 5.0
    assert model.limiter.limits.max_concurrency == 3


def test_an_unknown_provider_lists_the_known_ones() -> None:
    with pytest.raises(ValueError) as caught:
        get_model("foo/bar")
    assert str(caught.value).startswith("unknown model provider 'foo' in 'foo/bar'; known: ")
    assert "openai, openai-compatible, replay, sim" in str(caught.value)


@pytest.mark.parametrize("address", ["gpt-4o", "openai/", "/gpt-4o", ""])
def test_an_address_needs_a_provider_and_a_model(address: str) -> None:
    with pytest.raises(ValueError, match="is not '<provider>/<model>'"):
        get_model(address)


async def test_a_plug_in_registers_a_prefix() -> None:
    registry = ProviderRegistry()

    class Echo:
        def __init__(self, name: str, greeting: str) -> None:
            self.name = name
            self.greeting = greeting

        async def complete(self, messages: Any, **_: Any) -> Completion:
            reply = Message(role="assistant", content=f"{self.greeting} from {self.name}")
            return Completion(model=self.name, choices=[Choice(message=reply)])

    @registry.register("echo")
    def echo(rest: str, greeting: str = "hi") -> ModelClient:
        return Echo(f"echo/{rest}", greeting)

    model = registry.get_model("echo/a/b", greeting="hello")
    result = await model.complete([Message(role="user", content="?")])
    assert result.choices[0].message.content == "hello from echo/a/b"
    assert registry.known() == ["echo"]
    with pytest.raises(ValueError, match="already registered"):
        registry.register("echo")(lambda rest: Echo(rest, "other"))


def test_a_prefix_may_not_contain_a_slash() -> None:
    with pytest.raises(ValueError, match="without '/'"):
        ProviderRegistry().register("a/b")
