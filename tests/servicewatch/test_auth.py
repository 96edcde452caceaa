"""Signing: known answers (computed independently with openssl) and the headers on the wire."""

from __future__ import annotations

import httpx
import pytest

from bot.servicewatch.auth import ServiceWatchAuth, sign, string_to_sign

BASE = "https://servicewatch.kr-west1.e.samsungsdscloud.com"
ACCESS = "2sd2gg=2agbdSD26svcD"  # the access key of the API document's example
SECRET = "example-secret-key"
TS = "1605290625682"

# printf '%s' "<string to sign>" | openssl dgst -sha256 -hmac example-secret-key -binary | base64
IMAGE_SIGNATURE = "kU97bt3W2i88MclDIPJI8Qa338vv7ANB1JrS5sEwbbA="
QUERY_SIGNATURE = "XFmaWKI5K2PPPNfYa4AKTFvy6cT4dU0sSZAHhuTsVNU="
QUERY_URL = f"{BASE}/v1/dashboards?name_like=web%20tier%2A&size=20"
PARAMS_SIGNATURE = "PWwRqWkrgIA9govzQAtfhXXwgvkNFN1DzsCg8qcRzTM="  # the same query as httpx encodes params: web+tier%2A


def test_string_to_sign_has_no_separators() -> None:
    assert string_to_sign("post", f"{BASE}/v1/metrics", TS, ACCESS) == f"POST{BASE}/v1/metrics{TS}{ACCESS}Openapi"
    assert string_to_sign("GET", "u", TS, "ak", "acct").endswith(f"{TS}akacctOpenapi")


@pytest.mark.parametrize(
    ("method", "url", "account", "expected"),
    [
        ("POST", f"{BASE}/v1/metrics/data/download/image", "", IMAGE_SIGNATURE),
        ("GET", QUERY_URL, "acct-123", QUERY_SIGNATURE),
    ],
)
def test_known_answers(method: str, url: str, account: str, expected: str) -> None:
    assert sign(method, url, TS, ACCESS, SECRET, account) == expected


def _signed(request: httpx.Request, *, account_id: str = "", clock_ms: int = int(TS)) -> httpx.Request:
    auth = ServiceWatchAuth(ACCESS, SECRET, account_id=account_id, clock=lambda: clock_ms / 1000)
    flow = auth.auth_flow(request)
    return next(flow)


def test_headers_and_signature_of_a_post() -> None:
    request = _signed(httpx.Request("POST", f"{BASE}/v1/metrics/data/download/image", json={"a": 1}))
    assert request.headers["Scp-Accesskey"] == ACCESS
    assert request.headers["Scp-Timestamp"] == TS
    assert request.headers["Scp-ClientType"] == "Openapi"
    assert request.headers["Scp-Signature"] == IMAGE_SIGNATURE
    assert "Scp-AccountId" not in request.headers


def test_an_encoded_query_is_signed_exactly_as_sent_never_re_encoded() -> None:
    signed = _signed(httpx.Request("GET", QUERY_URL), account_id="acct-123")
    assert str(signed.url) == QUERY_URL
    assert signed.headers["Scp-Signature"] == QUERY_SIGNATURE
    assert signed.headers["Scp-AccountId"] == "acct-123"


def test_params_are_signed_in_the_form_httpx_puts_on_the_wire() -> None:
    request = httpx.Request("GET", f"{BASE}/v1/dashboards", params={"name_like": "web tier*", "size": 20})
    assert str(request.url) == f"{BASE}/v1/dashboards?name_like=web+tier%2A&size=20"
    assert _signed(request, account_id="acct-123").headers["Scp-Signature"] == PARAMS_SIGNATURE


def test_each_try_gets_a_fresh_timestamp() -> None:
    ticks = iter([1.0, 2.0])
    auth = ServiceWatchAuth(ACCESS, SECRET, clock=lambda: next(ticks))
    first = next(auth.auth_flow(httpx.Request("POST", f"{BASE}/v1/metrics")))
    second = next(auth.auth_flow(httpx.Request("POST", f"{BASE}/v1/metrics")))
    assert (first.headers["Scp-Timestamp"], second.headers["Scp-Timestamp"]) == ("1000", "2000")
    assert first.headers["Scp-Signature"] != second.headers["Scp-Signature"]


def test_repr_hides_the_secret() -> None:
    assert SECRET not in repr(ServiceWatchAuth(ACCESS, SECRET))
