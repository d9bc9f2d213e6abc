"""Settings: defaults, overridden by a JSON file, overridden by WEBHOOKD_* variables."""

import json
import os

DEFAULTS = {
    "endpoint": None,
    "secret": "",
    "timeout": 5.0,
    "max_retries": 3,
    "backoff": 0.5,
    "batch_size": 20,
    "verify_tls": True,
}
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


class ConfigError(ValueError):
    """A setting is missing, unknown or out of range."""


def _from_env(key, text):
    kind = type(DEFAULTS[key]) if DEFAULTS[key] is not None else str
    if kind is bool:
        if text.lower() not in TRUE + FALSE:
            raise ConfigError(f"WEBHOOKD_{key.upper()}: expected a boolean, got {text!r}")
        return text.lower() in TRUE
    try:
        return kind(text)
    except ValueError:
        raise ConfigError(
            f"WEBHOOKD_{key.upper()}: expected {kind.__name__}, got {text!r}"
        ) from None


def validate(config):
    if not config["endpoint"] or not config["endpoint"].startswith(("http://", "https://")):
        raise ConfigError(f"endpoint must be an http(s) URL, got {config['endpoint']!r}")
    if config["timeout"] <= 0:
        raise ConfigError("timeout must be positive")
    if config["max_retries"] < 0:
        raise ConfigError("max_retries must not be negative")
    if not 1 <= config["batch_size"] <= 1000:
        raise ConfigError("batch_size must be between 1 and 1000")
    return config


def load_config(path=None, env=None):
    """The settings as a dict: DEFAULTS, then the JSON file at `path`, then the environment."""
    config = dict(DEFAULTS)
    if path is not None:
        with open(path, encoding="utf-8") as handle:
            raw = json.load(handle)
        unknown = sorted(set(raw) - set(DEFAULTS))
        if unknown:
            raise ConfigError(f"{path}: unknown settings {', '.join(unknown)}")
        config.update(raw)
    env = os.environ if env is None else env
    for key in DEFAULTS:
        name = f"WEBHOOKD_{key.upper()}"
        if name in env:
            config[key] = _from_env(key, env[name])
    return validate(config)
