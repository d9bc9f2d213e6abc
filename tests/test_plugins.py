"""Plug-ins: registration records constructor arguments so stored trials can be rebuilt."""

from __future__ import annotations

import pytest

from agentlab.registry import available, build, parse_spec, strategy
from agentlab.types import PluginSpec


@strategy("test-recorder")
class Recorder:
    """A strategy that only remembers its arguments."""

    def __init__(self, n: int, select: str = "vote", **extra: object) -> None:
        self.n = n


def test_construction_records_every_argument_with_defaults() -> None:
    made = Recorder(4, temperature=0.7)
    assert made.spec == PluginSpec(  # type: ignore[attr-defined]
        kind="strategy", name="test-recorder", args={"n": 4, "select": "vote", "temperature": 0.7}
    )
    rebuilt = build(made.spec)  # type: ignore[attr-defined]
    assert rebuilt.spec == made.spec and rebuilt.n == 4


def test_specs_parse_from_the_command_line() -> None:
    spec = parse_spec("strategy", "best_of_n:n=8,select=vote,greedy=true,temp=0.5")
    assert spec.args == {"n": 8, "select": "vote", "greedy": True, "temp": 0.5}
    assert str(spec) == "best_of_n:greedy=True,n=8,select=vote,temp=0.5"
    assert parse_spec("judge", "verifier") == PluginSpec(kind="judge", name="verifier")
    nested = parse_spec("judge", 'composite:judges=["verifier","checklist:model=sim/1"],w=[1,2]')
    assert nested.args == {"judges": ["verifier", "checklist:model=sim/1"], "w": [1, 2]}
    assert parse_spec("strategy", "best_of_n:inner=react:max_steps=5,n=2").args == {
        "inner": "react:max_steps=5", "n": 2}  # fmt: skip
    with pytest.raises(ValueError, match="'n8' is not key=value"):
        parse_spec("strategy", "best_of_n:n8")


def test_entry_point_plugins_are_listed_and_unknown_names_are_explained() -> None:
    assert {"react", "test-recorder"} <= set(available("strategy"))
    assert "verifier" in available("judge")
    with pytest.raises(ValueError, match=r"unknown strategy .nope.; registered: .*react"):
        build(PluginSpec(kind="strategy", name="nope"))
    with pytest.raises(ValueError, match=r"strategy test-recorder: .*missing .*.n."):
        build(PluginSpec(kind="strategy", name="test-recorder"))


def test_a_name_cannot_be_taken_twice() -> None:
    with pytest.raises(ValueError, match="already registered"):

        @strategy("test-recorder")
        class Other:
            pass
