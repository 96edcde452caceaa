"""The sandbox's own reading of ServiceWatch's signature (API reference, "Signature"), written apart from the bot's
`servicewatch/auth.py` on purpose: a drift in the bot's signing is refused here instead of being mirrored."""

from __future__ import annotations

import base64
import hashlib
import hmac


def expected_signature(
    method: str, url: str, timestamp_ms: str, access_key: str, secret_key: str, account_id: str = ""
) -> str:
    """Base64 of HMAC-SHA256(secret key, METHOD + full URL as sent + timestamp + access key + account id +
    "Openapi"), with no separators and no body."""
    message = "".join((method.upper(), url, timestamp_ms, access_key, account_id, "Openapi"))
    digest = hmac.new(secret_key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")
