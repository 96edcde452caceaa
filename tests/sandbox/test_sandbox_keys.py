"""The sandbox accepts several key pairs (one per SCP account), each call checked with its own access key's secret,
and records which access key signed each call."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, Sandbox
from bot.servicewatch import AuthenticationError, ServiceWatchAuth, ServiceWatchClient


async def _catalog(url: str, access: str, secret: str, account_id: str = "") -> None:
    async with ServiceWatchClient(url, ServiceWatchAuth(access, secret, account_id=account_id)) as client:
        await client.catalog()


async def test_each_key_pair_is_checked_with_its_own_secret_and_recorded() -> None:
    sandbox = Sandbox(keys={"AK-PROD": "prod-secret"})
    url = await sandbox.start()
    try:
        await _catalog(url, "AK-PROD", "prod-secret")
        await _catalog(url, SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY)  # the stock pair is always accepted
        with pytest.raises(AuthenticationError, match="Signature mismatch") as caught:
            await _catalog(url, "AK-PROD", SANDBOX_SECRET_KEY)  # a known access key with another pair's secret
        assert "prod-secret" not in str(caught.value)
        with pytest.raises(AuthenticationError, match="Unknown access key"):
            await _catalog(url, "AK-NOBODY", "prod-secret")
        assert sandbox.signed_by == ["AK-PROD", SANDBOX_ACCESS_KEY]
    finally:
        await sandbox.stop()


async def test_a_key_pair_added_over_http_signs_with_its_account_id(sandbox: Sandbox) -> None:
    with pytest.raises(AuthenticationError, match="Unknown access key"):
        await _catalog(sandbox.url, "AK-STAGING", "staging-secret", "acct-7")
    async with httpx.AsyncClient() as http:
        added = await http.post(
            f"{sandbox.url}/_sandbox/keys",
            json={"access_key": "AK-STAGING", "secret_key": "staging-secret", "account_id": "acct-7"},
        )
        assert added.status_code == 200
        assert added.json() == {"access_key": "AK-STAGING", "keys": 2}
        refused = await http.post(f"{sandbox.url}/_sandbox/keys", json={"access_key": "AK-X"})
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["status"] == 400
    await _catalog(sandbox.url, "AK-STAGING", "staging-secret", "acct-7")
    with pytest.raises(AuthenticationError, match="Signature mismatch"):
        await _catalog(sandbox.url, "AK-STAGING", "staging-secret")  # signed without the account id
    assert sandbox.signed_by == ["AK-STAGING"]
