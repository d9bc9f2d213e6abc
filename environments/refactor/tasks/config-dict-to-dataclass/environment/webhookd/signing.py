"""HMAC signatures that receivers use to check a payload came from us."""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Webhookd-Signature"


def sign(body, config, timestamp):
    """`t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>">` keyed with the secret."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(config["secret"].encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def headers(body, config, now=time.time):
    result = {"Content-Type": "application/json"}
    if config["secret"]:
        result[SIGNATURE_HEADER] = sign(body, config, int(now()))
    return result


def verify(body, signature, config, now, tolerance=300):
    """Whether `signature` is ours and no older than `tolerance` seconds."""
    try:
        fields = dict(part.split("=", 1) for part in signature.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(body, config, timestamp), signature)
