#!/bin/bash
# The settings become a frozen dataclass whose field defaults replace the DEFAULTS dict.
cat > webhookd/config.py <<'PY'
"""Settings: defaults, overridden by a JSON file, overridden by WEBHOOKD_* variables."""

import json
import os
from dataclasses import dataclass, fields
from typing import Optional

TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


class ConfigError(ValueError):
    """A setting is missing, unknown or out of range."""


@dataclass(frozen=True)
class Config:
    endpoint: Optional[str] = None
    secret: str = ""
    timeout: float = 5.0
    max_retries: int = 3
    backoff: float = 0.5
    batch_size: int = 20
    verify_tls: bool = True


def _from_env(setting, text):
    kind = type(setting.default) if setting.default is not None else str
    name = f"WEBHOOKD_{setting.name.upper()}"
    if kind is bool:
        if text.lower() not in TRUE + FALSE:
            raise ConfigError(f"{name}: expected a boolean, got {text!r}")
        return text.lower() in TRUE
    try:
        return kind(text)
    except ValueError:
        raise ConfigError(f"{name}: expected {kind.__name__}, got {text!r}") from None


def validate(config):
    if not config.endpoint or not config.endpoint.startswith(("http://", "https://")):
        raise ConfigError(f"endpoint must be an http(s) URL, got {config.endpoint!r}")
    if config.timeout <= 0:
        raise ConfigError("timeout must be positive")
    if config.max_retries < 0:
        raise ConfigError("max_retries must not be negative")
    if not 1 <= config.batch_size <= 1000:
        raise ConfigError("batch_size must be between 1 and 1000")
    return config


def load_config(path=None, env=None):
    """The settings as a Config: its defaults, then the JSON file at `path`, then the
    environment."""
    settings = fields(Config)
    changes = {}
    if path is not None:
        with open(path, encoding="utf-8") as handle:
            raw = json.load(handle)
        unknown = sorted(set(raw) - {s.name for s in settings})
        if unknown:
            raise ConfigError(f"{path}: unknown settings {', '.join(unknown)}")
        changes.update(raw)
    env = os.environ if env is None else env
    for setting in settings:
        name = f"WEBHOOKD_{setting.name.upper()}"
        if name in env:
            changes[setting.name] = _from_env(setting, env[name])
    return validate(Config(**changes))
PY

# Readers use attributes instead of keys; the package exports Config.
sed -i -E 's/\bconfig\["([a-z_]+)"\]/config.\1/g; s/self\.config\.get\("verify_tls", True\)/self.config.verify_tls/' webhookd/*.py tests/*.py
sed -i 's/^from \.config import ConfigError, load_config$/from .config import Config, ConfigError, load_config/; s/^__all__ = \["ConfigError"/__all__ = ["Config", "ConfigError"/' webhookd/__init__.py

# show-config walks the dataclass's fields, still sorted by name.
python3 - <<'PY'
from pathlib import Path

path = Path("webhookd/cli.py")
source = path.read_text()
old = '''    for key in sorted(config):
        value = "***" if key == "secret" and config[key] else config[key]
        print(f"{key} = {value}", file=out)'''
new = '''    for key, value in sorted(asdict(config).items()):
        shown = "***" if key == "secret" and value else value
        print(f"{key} = {shown}", file=out)'''
assert old in source
source = source.replace(old, new).replace("import sys\n", "import sys\nfrom dataclasses import asdict\n", 1)
path.write_text(source)
PY

# The suite still passes.
python3 -m unittest discover -s tests -t .
