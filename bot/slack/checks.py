"""`python -m bot check`'s Slack lines: the bot token (auth.test) and, when set, the app token."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.slack.access import slack_error
from bot.slack.client import slack_client


async def check_slack(settings: Settings) -> list[tuple[str, str | None]]:
    """(what was checked and what Slack said, the failure or None) for each Slack token that is set."""
    results: list[tuple[str, str | None]] = []
    if settings.slack_bot_token is not None:
        client = slack_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url, timeout=10)
        try:
            auth = await client.auth_test()
        except (SlackApiError, SlackClientError, OSError) as exc:
            results.append(("Slack bot token (auth.test)", _why(exc, "SLACK_BOT_TOKEN", settings)))
        else:
            results.append((f"Slack bot token (auth.test): bot <@{auth.get('user_id')}> in {auth.get('team')}", None))
    if settings.slack_app_token is not None:
        client = slack_client(None, settings.slack_api_url, timeout=10)
        try:
            await client.apps_connections_open(app_token=settings.slack_app_token.get_secret_value())
        except (SlackApiError, SlackClientError, OSError) as exc:
            results.append(("Slack app token (apps.connections.open)", _why(exc, "SLACK_APP_TOKEN", settings)))
        else:
            results.append(("Slack app token (apps.connections.open): Socket Mode may connect", None))
    return results


def _why(exc: Exception, setting: str, settings: Settings) -> str:
    if isinstance(exc, SlackApiError):
        return f"Slack refused {setting} ({slack_error(exc)}): copy it again from the Slack app's settings"
    return f"cannot reach Slack at {settings.slack_api_url} ({type(exc).__name__}); check the network"
