"""The sandbox judges the bot with its own reading of the API, not with the bot's code: a drift in the bot's
signing is refused, and its errors take the shape the live service gives."""

from __future__ import annotations

import base64
import hashlib
import hmac
import subprocess
import sys
from collections.abc import Callable
from datetime import date

import pytest

from bot.sandbox import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, Sandbox
from bot.sandbox.signature import expected_signature
from bot.sandbox.validation import body_problems
from bot.servicewatch import AuthenticationError, BadRequestError, ServiceWatchAuth, ServiceWatchClient
from bot.servicewatch.client import IMAGE_PATH
from tests.seed import seed_bodies

MakeClient = Callable[..., ServiceWatchClient]
SEED_10, SEED_11 = seed_bodies()["1.0"][1], seed_bodies()["1.1"][1]
BASE = "https://servicewatch.kr-west1.e.samsungsdscloud.com"
ACCESS, SECRET, TS = "2sd2gg=2agbdSD26svcD", "example-secret-key", "1605290625682"


@pytest.mark.parametrize(
    ("method", "url", "account", "expected"),
    [  # computed with openssl, as in tests/servicewatch/test_auth.py
        ("POST", f"{BASE}/v1/metrics/data/download/image", "", "kU97bt3W2i88MclDIPJI8Qa338vv7ANB1JrS5sEwbbA="),
        (
            "GET",
            f"{BASE}/v1/dashboards?name_like=web%20tier%2A&size=20",
            "acct-123",
            "XFmaWKI5K2PPPNfYa4AKTFvy6cT4dU0sSZAHhuTsVNU=",
        ),
    ],
)
def test_the_sandbox_knows_the_documented_formula(method: str, url: str, account: str, expected: str) -> None:
    assert expected_signature(method, url, TS, ACCESS, SECRET, account) == expected


def _path_only(method: str, url: str, timestamp_ms: str, access_key: str, secret_key: str, account_id: str = "") -> str:
    """A plausible wrong formula: the path instead of the full URL (no evidence it ever worked)."""
    path = "/" + url.split("/", 3)[3]
    message = f"{method.upper()}{path}{timestamp_ms}{access_key}{account_id}Openapi"
    return base64.b64encode(hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).digest()).decode()


def _no_client_type(
    method: str, url: str, timestamp_ms: str, access_key: str, secret_key: str, account_id: str = ""
) -> str:
    message = f"{method.upper()}{url}{timestamp_ms}{access_key}{account_id}"
    return base64.b64encode(hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).digest()).decode()


@pytest.mark.parametrize("wrong", [_path_only, _no_client_type])
async def test_a_wrong_formula_in_the_bot_is_refused_even_though_the_bot_agrees_with_itself(
    wrong: object, sandbox_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.servicewatch.auth.sign", wrong)  # the bot's own signing drifts …
    with pytest.raises(AuthenticationError, match="Signature mismatch"):  # … and the sandbox does not follow it
        await sandbox_client(max_retries=0).list_metric_infos()


async def test_errors_take_the_live_shape(sandbox: Sandbox) -> None:
    client = ServiceWatchClient(sandbox.url, ServiceWatchAuth(SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY), max_retries=0)
    async with client:
        with pytest.raises(BadRequestError) as raised:
            await client._call(IMAGE_PATH, {}, parse=lambda r: r)
    error = raised.value
    assert error.code == "ValidationError"
    assert error.request_id is not None
    assert error.request_id.startswith("req-")
    assert error.global_request_id
    assert f"(request id {error.request_id})" in str(error)
    (item,) = error.body["errors"]
    assert set(item) == {"code", "title", "detail", "status", "request_id", "global_request_id"}
    assert isinstance(item["detail"], list)


def test_the_sandbox_imports_nothing_of_the_bots_servicewatch_code() -> None:
    """Structural: the judge shares no signing, no models and no client with the judged."""
    code = "import sys, bot.sandbox; print(sorted(m for m in sys.modules if m.startswith('bot.')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "bot.servicewatch" not in loaded
    assert "bot.sandbox.validation" in loaded


@pytest.mark.parametrize(
    ("version", "body", "problem"),
    [
        ("1.1", {}, "Field required; Field required; Field required; Field required; Field required"),
        ("1.1", {**SEED_11, "start": SEED_11["start"] * 1000}, "start: 1640995200000 is greater than the maximum"),
        ("1.1", SEED_10, "metrics.0: Additional properties are not allowed ('individual_items' was unexpected)"),
        ("1.0", SEED_11, "Field required"),  # 1.0 wants individual_items
        ("1.1", {**SEED_11, "statistic_type": "P99"}, "statistic_type: 'P99' is not one of"),
        ("1.1", {**SEED_11, "metrics": []}, "metrics: [] should be non-empty"),
        ("1.2", {**SEED_11, "width": "wide"}, "width: 'wide' is not of type 'integer'"),
    ],
)
async def test_bodies_are_judged_by_the_schemas_of_the_api_reference(
    version: str, body: dict[str, object], problem: str, sandbox: Sandbox
) -> None:
    sandbox.as_of = date(2026, 6, 1)  # 1.0 still served
    auth = ServiceWatchAuth(SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY)
    async with ServiceWatchClient(sandbox.url, auth, api_version=version, max_retries=0) as client:
        with pytest.raises(BadRequestError) as raised:
            await client._call(IMAGE_PATH, body, parse=lambda r: r)
    assert problem in raised.value.detail


def test_the_seed_bodies_fit_the_schemas_of_their_versions() -> None:
    for version, body in (("1.0", SEED_10), ("1.1", SEED_11), ("1.2", SEED_11), ("1.7", SEED_11)):
        assert body_problems("image-request-1.0" if version == "1.0" else "image-request-1.1", body) == []
