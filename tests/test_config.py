"""Settings at start: sandbox data never reaches a real workspace by accident, and a misspelled setting is named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config import BotMode, load_settings
from bot.errors import SettingsError

SLACK_HTTP = {"slack_bot_token": "xoxb-1", "slack_signing_secret": "s"}
SLACK_SOCKET = {"slack_bot_token": "xoxb-1", "slack_app_token": "xapp-1"}
KEYS = {"scp_access_key": "ak", "scp_secret_key": "sk"}


@pytest.mark.parametrize(
    ("values", "refusal"),
    [
        (SLACK_HTTP, "Slack tokens are set but no SCP keys, so the bot would post the sandbox's synthetic charts"),
        (
            SLACK_SOCKET,
            "set SCP_ACCESS_KEY and SCP_SECRET_KEY, or SERVICEWATCH_SANDBOX=true to use the sandbox on purpose",
        ),
        ({**SLACK_HTTP, "servicewatch_endpoint": "http://127.0.0.1:8085"}, "no SCP keys"),  # a sandbox at a URL too
        ({**SLACK_HTTP, **KEYS, "servicewatch_sandbox": True}, "SERVICEWATCH_SANDBOX=true and SCP keys are both set"),
        ({}, None),  # the console: the sandbox is its default
        ({**SLACK_HTTP, "servicewatch_sandbox": True}, None),
        ({**SLACK_SOCKET, **KEYS}, None),
    ],
)
def test_slack_and_the_sandbox_only_on_purpose(values: dict[str, Any], refusal: str | None) -> None:
    if refusal is None:
        settings = load_settings(_env_file=None, **values)
        assert settings.uses_sandbox == ("scp_access_key" not in values)
        return
    with pytest.raises(SettingsError, match="The settings are not valid") as raised:
        load_settings(_env_file=None, **values)
    assert refusal in str(raised.value)


def test_the_console_runs_on_the_sandbox_without_being_asked() -> None:
    settings = load_settings(_env_file=None)
    assert settings.resolved_mode is BotMode.CONSOLE
    assert settings.uses_sandbox


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("SCP_ACESS_KEY", "SCP_ACCESS_KEY"),
        ("SCP_SECRETKEY", "SCP_SECRET_KEY"),
        ("SLACK_SIGNING_SECERT", "SLACK_SIGNING_SECRET"),
        ("SERVICEWATCH_API_VERISON", "SERVICEWATCH_API_VERSION"),
        ("SCHEDULE_LEASES", "SCHEDULE_LEASE"),
        ("CHART_WIDHT", "CHART_WIDTH"),
        ("BOT_TIMEZNE", "BOT_TIMEZONE"),
    ],
)
def test_a_misspelled_setting_is_named_with_the_one_meant(
    name: str, meant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, "x")
    with pytest.raises(SettingsError, match=f"{name} is not a setting; did you mean {meant}\\?"):
        load_settings(_env_file=None)


def test_a_misspelling_in_the_env_file_is_named_too(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("SCP_ACESS_KEY=ak-never-echoed\nSCP_SECRET_KEY=sk-never-echoed\n")
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=str(env))
    assert "SCP_ACESS_KEY is not a setting; did you mean SCP_ACCESS_KEY?" in str(raised.value)
    assert "set both SCP_ACCESS_KEY and SCP_SECRET_KEY" in str(raised.value)  # every problem at once
    assert "never-echoed" not in str(raised.value)


def test_a_name_like_a_setting_but_close_to_none_is_shown_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.example/x")
    settings = load_settings(_env_file=None)
    assert settings.ignored == ["SLACK_WEBHOOK_URL"]
