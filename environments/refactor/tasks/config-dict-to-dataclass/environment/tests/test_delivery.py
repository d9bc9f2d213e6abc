import io
import unittest

from webhookd import Deliverer, load_config
from webhookd.cli import main
from webhookd.retry import backoff_delays, should_retry
from webhookd.signing import SIGNATURE_HEADER, headers, sign, verify

ENV = {"WEBHOOKD_ENDPOINT": "https://hooks.example/in", "WEBHOOKD_SECRET": "s3cret"}


class SigningTest(unittest.TestCase):
    def setUp(self):
        self.config = load_config(env=ENV)

    def test_sign_and_verify(self):
        signature = sign(b'{"a":1}', self.config, 1700000000)
        self.assertTrue(signature.startswith("t=1700000000,v1="))
        self.assertTrue(verify(b'{"a":1}', signature, self.config, now=1700000100))
        self.assertFalse(verify(b'{"a":2}', signature, self.config, now=1700000100))
        self.assertFalse(verify(b'{"a":1}', signature, self.config, now=1700009999))

    def test_no_secret_no_signature(self):
        config = load_config(env={"WEBHOOKD_ENDPOINT": "http://x"})
        self.assertNotIn(SIGNATURE_HEADER, headers(b"{}", config))


class RetryTest(unittest.TestCase):
    def test_delays_double_and_cap(self):
        config = load_config(env={**ENV, "WEBHOOKD_MAX_RETRIES": "8", "WEBHOOKD_BACKOFF": "0.25"})
        self.assertEqual(backoff_delays(config), [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0])

    def test_should_retry(self):
        config = load_config(env=ENV)
        self.assertTrue(should_retry(503, 0, config))
        self.assertTrue(should_retry(None, 2, config))
        self.assertFalse(should_retry(503, 3, config))
        self.assertFalse(should_retry(400, 0, config))


class DeliveryTest(unittest.TestCase):
    def test_batches_retries_and_failures(self):
        config = load_config(env={**ENV, "WEBHOOKD_BATCH_SIZE": "2", "WEBHOOKD_MAX_RETRIES": "1"})
        statuses = iter([503, 200, 500, 500, 204])
        calls, slept = [], []

        def transport(url, body, hdrs, timeout, verify_tls):
            calls.append((url, timeout, verify_tls, SIGNATURE_HEADER in hdrs))
            return next(statuses)

        deliverer = Deliverer(config, transport, slept.append, clock=lambda: 1700000000)
        self.assertEqual(deliverer.deliver(range(5)), (3, 2))
        self.assertEqual(slept, [0.5, 0.5])
        self.assertEqual(calls[0], ("https://hooks.example/in", 5.0, True, True))
        self.assertEqual(
            deliverer.log, [(2, 0, 503), (2, 1, 200), (2, 0, 500), (2, 1, 500), (1, 0, 204)]
        )

    def test_transport_errors_are_retried(self):
        config = load_config(env=ENV)

        def broken(*args):
            raise OSError("connection refused")

        deliverer = Deliverer(config, broken, lambda s: None, clock=lambda: 0)
        self.assertEqual(deliverer.deliver(["e"]), (0, 1))
        self.assertEqual(len(deliverer.log), 4)


class CliTest(unittest.TestCase):
    def test_show_config_hides_the_secret(self):
        out = io.StringIO()
        self.assertEqual(main(["show-config"], env=ENV, out=out), 0)
        self.assertEqual(
            out.getvalue().splitlines(),
            [
                "backoff = 0.5",
                "batch_size = 20",
                "endpoint = https://hooks.example/in",
                "max_retries = 3",
                "secret = ***",
                "timeout = 5.0",
                "verify_tls = True",
            ],
        )

    def test_bad_config(self):
        out = io.StringIO()
        self.assertEqual(main(["show-config"], env={}, out=out), 2)
        self.assertTrue(out.getvalue().startswith("webhookd: endpoint must be"))
