"""The fake Slack's installs are as strict as Slack's (tests/fakes/slack_oauth.py): the app's credentials checked, a
code good once, rotation's refresh token spent by its use, each team's tokens seeing only its own channels, revoked
and expired tokens refused with Slack's errors."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import FakeSlack
from tests.slack.test_fake_slack import outcome

CLIENT_ID, CLIENT_SECRET = "1111.2222", "the-client-secret"
AUTHORIZE = f"https://slack.example/oauth/v2/authorize?client_id={CLIENT_ID}&state=s1"


@pytest.fixture
def fake(fake_slack: FakeSlack) -> FakeSlack:
    fake_slack.installs.app(CLIENT_ID, CLIENT_SECRET, signing_secret="secret")
    fake_slack.installs.add_team("T0BETA", "Beta")
    fake_slack.channel("C0BETA", team="T0BETA")
    return fake_slack


def code_of(fake: FakeSlack, team: str = "T0BETA") -> str:
    redirect = fake.installs.approve(AUTHORIZE, team, "https://bot.example/slack/oauth_redirect")
    assert redirect.endswith("&state=s1")
    return redirect.split("code=")[1].split("&")[0]


async def test_a_code_is_exchanged_once_with_the_apps_credentials(fake: FakeSlack) -> None:
    app = AsyncWebClient(base_url=fake.api_url)
    code = code_of(fake)
    assert await outcome(app.oauth_v2_access(client_id="9.9", client_secret=CLIENT_SECRET, code=code)) == (
        "invalid_client_id"
    )
    assert await outcome(app.oauth_v2_access(client_id=CLIENT_ID, client_secret="wrong", code=code)) == (
        "bad_client_secret"
    )
    granted = await app.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code)
    assert granted["team"] == {"id": "T0BETA", "name": "Beta"}
    assert granted["token_type"] == "bot"
    assert "refresh_token" not in granted.data  # type: ignore[operator]
    assert await outcome(app.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code)) == (
        "invalid_code"
    )
    beta = AsyncWebClient(token=granted["access_token"], base_url=fake.api_url)
    assert (await beta.auth_test())["team_id"] == "T0BETA"
    assert await outcome(beta.conversations_info(channel="C0BETA")) == "ok"
    assert await outcome(beta.conversations_info(channel="C0OPS")) == "channel_not_found"  # Acme's, not Beta's
    assert await outcome(AsyncWebClient(token="xoxb-never-issued", base_url=fake.api_url).auth_test()) == (
        "invalid_auth"
    )


async def test_rotation_spends_the_refresh_token_and_tokens_expire(fake: FakeSlack) -> None:
    fake.installs.lifetime = 43200
    app = AsyncWebClient(base_url=fake.api_url)
    granted = await app.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code_of(fake))
    assert granted["expires_in"] == 43200
    refresh = granted["refresh_token"]
    rotated = await app.oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, grant_type="refresh_token", refresh_token=refresh
    )
    assert rotated["access_token"] != granted["access_token"]
    assert rotated["refresh_token"] != refresh
    assert await outcome(
        app.oauth_v2_access(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, grant_type="refresh_token", refresh_token=refresh
        )
    ) == ("invalid_refresh_token")
    old = AsyncWebClient(token=granted["access_token"], base_url=fake.api_url)
    assert await outcome(old.auth_test()) == "ok"  # the old token lives until it expires
    fake.advance(43200)
    assert await outcome(old.auth_test()) == "token_expired"


async def test_an_uninstall_revokes_the_teams_tokens(fake: FakeSlack) -> None:
    app = AsyncWebClient(base_url=fake.api_url)
    granted = await app.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code_of(fake))
    fake.installs.events_url = f"{fake.url}/nowhere"  # the delivery's answer does not matter here
    await fake.installs.uninstall("T0BETA")
    beta = AsyncWebClient(token=granted["access_token"], base_url=fake.api_url)
    assert await outcome(beta.auth_test()) == "token_revoked"
    acme = AsyncWebClient(token="xoxb-test-token", base_url=fake.api_url)
    assert await outcome(acme.auth_test()) == "ok"  # another team's token is untouched
