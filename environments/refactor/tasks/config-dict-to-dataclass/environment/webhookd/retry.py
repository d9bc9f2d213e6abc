"""When to try a delivery again, and how long to wait first."""

RETRYABLE = {408, 425, 429, 500, 502, 503, 504}


def backoff_delays(config):
    """Seconds to wait before each retry: backoff, doubling, capped at 30 seconds."""
    return [min(config["backoff"] * 2**attempt, 30.0) for attempt in range(config["max_retries"])]


def should_retry(status, attempt, config):
    """`attempt` counts from 0 for the first try; None as status means the request failed."""
    if attempt >= config["max_retries"]:
        return False
    return status is None or status in RETRYABLE
