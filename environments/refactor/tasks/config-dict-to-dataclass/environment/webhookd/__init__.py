"""webhookd: sign webhook payloads and deliver them in batches, retrying with backoff."""

from .config import ConfigError, load_config
from .delivery import Deliverer

__all__ = ["ConfigError", "Deliverer", "load_config"]
