"""Settings read from the environment; every AGENTLAB_* variable the core reads is named here."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_BASE_IMAGE = "agentlab/base:bookworm"


def base_image() -> str:
    """The image tasks start from unless they name one: $AGENTLAB_BASE_IMAGE or the default."""
    return os.environ.get("AGENTLAB_BASE_IMAGE") or DEFAULT_BASE_IMAGE


def cache_dir() -> Path:
    """Where downloads and imported tasks are kept between runs: $AGENTLAB_CACHE or ~/.cache."""
    configured = os.environ.get("AGENTLAB_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "agentlab"


def wheelhouse_dir() -> Path | None:
    """$AGENTLAB_WHEELHOUSE: a folder of wheels that is the only package source (air-gapped)."""
    configured = os.environ.get("AGENTLAB_WHEELHOUSE")
    return Path(configured) if configured else None


def sim_latency() -> tuple[float, float]:
    """(time to first token s, tokens per s) for the simulated model: $AGENTLAB_SIM_LATENCY."""
    return parse_sim_latency(os.environ.get("AGENTLAB_SIM_LATENCY", "zero"))


def parse_sim_latency(value: str) -> tuple[float, float]:
    """`zero` (the default: unit tests), `realistic` (0.25 s + 80 tokens/s), or `TTFT_S,TPS`."""
    value = value.strip()
    if value == "zero":
        return (0.0, 0.0)
    if value == "realistic":
        return (0.25, 80.0)
    try:
        ttft, rate = (float(part) for part in value.split(","))
    except ValueError:
        raise ValueError(
            f"sim latency {value!r}: expected zero, realistic or TTFT_S,TOKENS_PER_S"
        ) from None
    return (ttft, rate)
