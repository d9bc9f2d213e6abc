"""Batching events and handing them to a transport, with retries."""

import json

from .retry import backoff_delays, should_retry
from .signing import headers


class Deliverer:
    """`transport(url, body, headers, timeout, verify_tls)` returns an HTTP status, or raises
    OSError; `sleep` is injectable so tests do not wait."""

    def __init__(self, config, transport, sleep, clock):
        self.config = config
        self.transport = transport
        self.sleep = sleep
        self.clock = clock
        self.log = []

    def batches(self, events):
        size = self.config["batch_size"]
        return [events[i : i + size] for i in range(0, len(events), size)]

    def send_batch(self, batch):
        """True when the batch was accepted (2xx), after at most max_retries retries."""
        body = json.dumps({"events": batch}, sort_keys=True).encode()
        delays = backoff_delays(self.config)
        attempt = 0
        while True:
            try:
                status = self.transport(
                    self.config["endpoint"],
                    body,
                    headers(body, self.config, self.clock),
                    self.config["timeout"],
                    self.config.get("verify_tls", True),
                )
            except OSError:
                status = None
            self.log.append((len(batch), attempt, status))
            if status is not None and 200 <= status < 300:
                return True
            if not should_retry(status, attempt, self.config):
                return False
            self.sleep(delays[attempt])
            attempt += 1

    def deliver(self, events):
        """(delivered, failed) event counts."""
        delivered = failed = 0
        for batch in self.batches(list(events)):
            if self.send_batch(batch):
                delivered += len(batch)
            else:
                failed += len(batch)
        return delivered, failed
