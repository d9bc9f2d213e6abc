import dataclasses
import hashlib
import hmac
import io
import json
import os
import tempfile
import unittest

import webhookd
from webhookd import Config, ConfigError, Deliverer, load_config
from webhookd.cli import main
from webhookd.config import validate
from webhookd.retry import backoff_delays, should_retry
from webhookd.signing import SIGNATURE_HEADER, headers, sign


class ConfigClassTest(unittest.TestCase):
    def test_a_frozen_dataclass_with_the_old_defaults(self):
        self.assertIn("Config", webhookd.__all__)
        config = Config()
        self.assertEqual(
            dataclasses.asdict(config),
            {
                "endpoint": None,
                "secret": "",
                "timeout": 5.0,
                "max_retries": 3,
                "backoff": 0.5,
                "batch_size": 20,
                "verify_tls": True,
            },
        )
        with self.assertRaises(dataclasses.FrozenInstanceError):
            config.timeout = 1.0

    def test_load_config_returns_a_config(self):
        handle, path = tempfile.mkstemp(suffix=".json")
        with os.fdopen(handle, "w") as f:
            json.dump({"endpoint": "https://in.example", "max_retries": 1}, f)
        self.addCleanup(os.remove, path)
        config = load_config(path, env={"WEBHOOKD_BACKOFF": "2", "WEBHOOKD_VERIFY_TLS": "off"})
        self.assertEqual(
            config,
            Config(endpoint="https://in.example", max_retries=1, backoff=2.0, verify_tls=False),
        )
        with self.assertRaises(ConfigError):
            load_config(env={"WEBHOOKD_ENDPOINT": "https://x", "WEBHOOKD_BATCH_SIZE": "0"})

    def test_validate_takes_a_config(self):
        config = Config(endpoint="http://ok.example")
        self.assertIs(validate(config), config)
        with self.assertRaises(ConfigError):
            validate(Config(endpoint="ftp://no.example"))


class ConsumersTest(unittest.TestCase):
    def test_signing_and_retry_read_attributes(self):
        config = Config(endpoint="https://x", secret="k", max_retries=2, backoff=1.5)
        digest = hmac.new(b"k", b"5.{}", hashlib.sha256).hexdigest()
        self.assertEqual(sign(b"{}", config, 5), f"t=5,v1={digest}")
        self.assertIn(SIGNATURE_HEADER, headers(b"{}", config, now=lambda: 5))
        self.assertEqual(backoff_delays(config), [1.5, 3.0])
        self.assertFalse(should_retry(500, 2, config))

    def test_delivery(self):
        config = Config(endpoint="https://x", batch_size=3, verify_tls=False, timeout=1.0)
        seen = []
        deliverer = Deliverer(
            config, lambda *a: seen.append(a[3:]) or 200, lambda s: None, clock=lambda: 0
        )
        self.assertEqual(deliverer.deliver(range(7)), (7, 0))
        self.assertEqual(seen, [(1.0, False)] * 3)

    def test_show_config(self):
        out = io.StringIO()
        self.assertEqual(
            main(
                ["show-config"],
                env={"WEBHOOKD_ENDPOINT": "http://h", "WEBHOOKD_SECRET": "z"},
                out=out,
            ),
            0,
        )
        self.assertEqual(
            out.getvalue(),
            "backoff = 0.5\nbatch_size = 20\nendpoint = http://h\nmax_retries = 3\nsecret = ***\ntimeout = 5.0\nverify_tls = True\n",
        )
