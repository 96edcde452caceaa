"""Request signing for the SCP OpenAPI, as an `httpx.Auth` (no I/O, so it serves every client)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Generator

import httpx

CLIENT_TYPE = "Openapi"


def string_to_sign(method: str, url: str, timestamp_ms: str, access_key: str, account_id: str = "") -> str:
    """METHOD + full wire URL + timestamp (ms) + access key + account id + `Openapi`, without separators."""
    return f"{method.upper()}{url}{timestamp_ms}{access_key}{account_id}{CLIENT_TYPE}"


def sign(method: str, url: str, timestamp_ms: str, access_key: str, secret_key: str, account_id: str = "") -> str:
    """Base64 (standard alphabet) of HMAC-SHA256 over `string_to_sign`, keyed with the secret key."""
    message = string_to_sign(method, url, timestamp_ms, access_key, account_id)
    digest = hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class ServiceWatchAuth(httpx.Auth):
    """Adds the `Scp-*` headers and signs the request exactly as it goes on the wire.

    httpx runs `auth_flow` again for every retry, so each attempt carries a fresh timestamp.
    """

    requires_request_body = False

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        *,
        account_id: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._access_key = access_key
        self._secret_key = secret_key
        self._account_id = account_id
        self._clock = clock

    def __repr__(self) -> str:  # never show the secret, not even in a debugger or a traceback
        return f"ServiceWatchAuth(access_key={self._access_key[:4]}…)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        timestamp = str(int(self._clock() * 1000))
        # str(request.url) is the final, already percent-encoded URL: sign it as is, never re-encode.
        signature = sign(
            request.method, str(request.url), timestamp, self._access_key, self._secret_key, self._account_id
        )
        request.headers["Scp-Accesskey"] = self._access_key
        request.headers["Scp-Timestamp"] = timestamp
        request.headers["Scp-ClientType"] = CLIENT_TYPE
        request.headers["Scp-Signature"] = signature
        if self._account_id:
            request.headers["Scp-AccountId"] = self._account_id
        yield request
