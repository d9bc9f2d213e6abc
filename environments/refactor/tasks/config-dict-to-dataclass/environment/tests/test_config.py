import json
import os
import tempfile
import unittest

from webhookd import ConfigError, load_config

ENDPOINT = {"WEBHOOKD_ENDPOINT": "https://hooks.example/in"}


class LoadConfigTest(unittest.TestCase):
    def write(self, data):
        handle, path = tempfile.mkstemp(suffix=".json")
        with os.fdopen(handle, "w") as f:
            json.dump(data, f)
        self.addCleanup(os.remove, path)
        return path

    def test_defaults(self):
        config = load_config(env=ENDPOINT)
        self.assertEqual(config["timeout"], 5.0)
        self.assertEqual(config["max_retries"], 3)
        self.assertTrue(config["verify_tls"])

    def test_file_then_environment(self):
        path = self.write({"endpoint": "http://a.example", "timeout": 2, "batch_size": 5})
        config = load_config(path, env={"WEBHOOKD_TIMEOUT": "9.5", "WEBHOOKD_VERIFY_TLS": "no"})
        self.assertEqual(config["endpoint"], "http://a.example")
        self.assertEqual((config["timeout"], config["batch_size"]), (9.5, 5))
        self.assertFalse(config["verify_tls"])

    def test_unknown_settings(self):
        with self.assertRaises(ConfigError):
            load_config(self.write({"endpoint": "http://a", "colour": "red"}), env={})

    def test_invalid_values(self):
        for env in (
            {},
            {"WEBHOOKD_TIMEOUT": "0"},
            {"WEBHOOKD_MAX_RETRIES": "many"},
            {"WEBHOOKD_VERIFY_TLS": "maybe"},
        ):
            with self.subTest(env=env), self.assertRaises(ConfigError):
                load_config(env={**ENDPOINT, **env} if env else {})
