"""Settings: every knob of the bot, read from the environment or `.env`, validated once at start."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import BeforeValidator, Field, PrivateAttr, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.durations import parse_duration
from bot.errors import SettingsError
from bot.i18n import ENGLISH
from bot.servicewatch.endpoints import (
    DEFAULT_API_VERSION,
    LANGUAGES,
    api_version_problem,
    region_problem,
    servicewatch_base_url,
)


def duration(text: str) -> timedelta:
    """`5m`, `3h`, `2d` as a timedelta; ValueError naming the text when it is not a duration longer than zero."""
    return timedelta(seconds=parse_duration(text))


def _read_duration(value: object) -> object:
    if isinstance(value, str):
        return duration(value)
    if isinstance(value, timedelta) and value <= timedelta(0):
        raise ValueError(f"{value} is not a duration longer than zero")
    return value


# A setting written like `5m` or `3h` in the environment, and a timedelta everywhere it is used.
Duration = Annotated[timedelta, BeforeValidator(_read_duration)]

_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


class BotMode(StrEnum):
    AUTO = "auto"
    SOCKET = "socket"
    HTTP = "http"
    CONSOLE = "console"


def _split_ids(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.replace(" ", ",").split(",") if part.strip()]
    return value


def _check_ids(value: list[str], pattern: re.Pattern[str], what: str) -> list[str]:
    bad = [item for item in value if not pattern.match(item)]
    if bad:
        raise ValueError(f"{', '.join(bad)} are not {what}; use IDs, not names")
    return value


def _trimmed_url(value: Any) -> Any:
    """A URL setting without spaces or a trailing slash; None when it is empty."""
    if isinstance(value, str):
        value = value.strip().rstrip("/")
        return value or None
    return value


def _check_prefix(value: SecretStr | None, prefix: str, name: str) -> SecretStr | None:
    if value is not None and not value.get_secret_value().startswith(prefix):
        # Never echo the token itself: name the setting and the expected prefix only.
        raise ValueError(f"{name} must start with {prefix!r}; copy it again from the Slack app's settings")
    return value


class Settings(BaseSettings):
    """All settings of the bot. Build it once (`load_settings()`); tests pass values directly."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    # The installable app (OAuth, HTTP mode only): anyone installs it through /slack/install (docs/slack-setup.md).
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_scopes: str = ""  # comma-separated bot scopes asked for at install; empty: manifest.oauth.yaml's
    slack_redirect_uri: str | None = None  # only when Slack must be told which of the app's redirect URLs to use
    # Slack's files.* methods are Tier 4: 100+ calls a minute per workspace; replicas on PostgreSQL share the pace.
    slack_uploads_per_minute: float = Field(default=100, gt=0, le=10000)
    bot_mode: BotMode = BotMode.AUTO
    bot_http_host: str = "0.0.0.0"
    bot_http_port: int = Field(default=3000, ge=0, le=65535)
    bot_command: str = "/chart"
    # HTTP mode's hold on connections (docs/limits.md): idle or still sending headers, a body, how many at once.
    bot_http_idle_timeout: Duration = duration("15s")
    bot_http_body_timeout: Duration = duration("10s")
    bot_http_max_connections: int = Field(default=1000, ge=1, le=100000)
    # Where people's browsers and Slack reach the bot (https://charts.example.com): chart links are made on it and
    # unfurl as Work Objects (docs/chart-links.md). Unset: SLACK_REDIRECT_URI's origin, else no chart links.
    bot_public_url: str | None = None

    scp_access_key: SecretStr | None = None
    scp_secret_key: SecretStr | None = None
    # Fernet keys sealing the secrets the bot stores (installations' tokens, SCP accounts' keys), newest first.
    secrets_keys: SecretStr | None = None
    scp_account_id: str = ""
    scp_region: str = "kr-west1"
    scp_environment: str = "e"
    servicewatch_endpoint: str | None = None
    servicewatch_api_version: str = DEFAULT_API_VERSION
    # With Slack tokens, the sandbox only when asked for: its synthetic charts must never reach a real workspace.
    servicewatch_sandbox: bool = False
    scp_language: str = "en-US"  # no longer sent: ServiceWatch gets the asker's language (kept so old .env files load)
    servicewatch_timeout: float = Field(default=30.0, gt=0, le=300)
    servicewatch_max_retries: int = Field(default=2, ge=0, le=10)
    servicewatch_catalog_ttl: int = Field(default=900, ge=0)
    servicewatch_max_concurrency: int = Field(default=8, ge=1, le=100)
    # No answer is read past these (decoded MB): JSON (ListMetricData, ListMetricInfos, ShowAlert), and chart images.
    servicewatch_max_answer_mb: int = Field(default=8, ge=1, le=256)
    servicewatch_max_image_mb: int = Field(default=4, ge=1, le=64)
    chart_cache_entries: int = Field(default=256, ge=0, le=10000)

    database_url: str = "sqlite+aiosqlite:///./bot.db"
    bot_timezone: str = "UTC"
    # The language of replies: `auto` (each person's Slack locale; the console and CLI: English), `en`, `ko`.
    bot_language: Literal["auto", "en", "ko"] = "auto"
    chart_default_window: Duration = duration("3h")
    chart_width: int = 1400
    chart_height: int = 500
    chart_min_width: int = Field(default=1000, ge=100)
    chart_min_height: int = Field(default=500, ge=100)
    chart_max_width: int = Field(default=4000, le=10000)
    chart_max_height: int = Field(default=4000, le=10000)
    allowed_channel_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    admin_user_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    schedule_min_interval: Duration = duration("5m")
    schedule_max_per_channel: int = Field(default=25, ge=1, le=1000)
    schedule_misfire_grace: Duration = duration("15m")
    schedule_lease: Duration = duration("2m")
    schedule_sync_interval: Duration = duration("5s")
    schedule_max_failures: int = Field(default=3, ge=1, le=100)
    request_orphan_age: Duration = duration("2m")
    # How long a chart's upload may take to be processed before it is shown another way.
    slack_file_wait: Duration = duration("10s")
    alert_poll_interval: Duration = duration("60s")  # how often each watched ServiceWatch alert is asked for its state
    alert_poll_concurrency: int = Field(default=8, ge=1, le=100)  # ShowAlert calls at once
    # An alert firing again this soon after it cleared reopens the same thread.
    alert_quiet_time: Duration = duration("10m")
    alert_watch_max_per_channel: int = Field(default=50, ge=1, le=1000)  # watches a channel keeps
    saved_chart_max_per_channel: int = Field(default=100, ge=1, le=10000)  # saved charts a channel keeps
    follow_default_duration: Duration = duration("4h")
    follow_max_duration: Duration = duration("24h")
    # Old rows are pruned in the background (bot/store/retention.py): how long each kind is kept, and how often.
    retention_handled_events: Duration = duration("1d")
    retention_schedule_runs: Duration = duration("3d")
    retention_pending_requests: Duration = duration("1d")
    retention_chart_links: Duration = duration("90d")  # a chart link (and its unfurl) works this long after its post
    retention_interval: Duration = duration("10m")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    _ignored: list[str] = PrivateAttr(default_factory=list)

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        return _check_prefix(value, "xoxb-", "SLACK_BOT_TOKEN")

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        return _check_prefix(value, "xapp-", "SLACK_APP_TOKEN")

    @field_validator(
        "slack_bot_token",
        "slack_app_token",
        "slack_signing_secret",
        "slack_client_id",
        "slack_client_secret",
        "slack_redirect_uri",
        "scp_access_key",
        "scp_secret_key",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("bot_public_url", mode="before")
    @classmethod
    def _public_url(cls, value: Any) -> Any:
        value = _trimmed_url(value)
        if isinstance(value, str):
            parsed = urlparse(value)
            if parsed.scheme not in ("https", "http") or not parsed.hostname or parsed.path or parsed.query:
                raise ValueError(
                    f"{value!r} is not a site's address; write its origin, e.g. https://charts.example.com"
                )
        return value

    @field_validator("servicewatch_endpoint", mode="before")
    @classmethod
    def _endpoint(cls, value: Any) -> Any:
        value = _trimmed_url(value)
        if isinstance(value, str) and not value.startswith(("https://", "http://")):
            raise ValueError(
                f"{value!r} is not a URL; write the full base, e.g. https://servicewatch.kr-west1.e.samsungsdscloud.com"
            )
        return value

    @field_validator("servicewatch_api_version")
    @classmethod
    def _api_version(cls, value: str) -> str:
        problem = api_version_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("scp_language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"{value!r} is not supported; use one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("bot_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA timezone name, e.g. UTC or Asia/Seoul") from None
        return value

    @field_validator("bot_command")
    @classmethod
    def _command(cls, value: str) -> str:
        if not re.fullmatch(r"/[a-z0-9_-]{1,31}", value):
            raise ValueError(f"{value!r} is not a slash command name; write it like /chart")
        return value

    @field_validator("allowed_channel_ids", "admin_user_ids", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _split_ids(value)

    @field_validator("allowed_channel_ids")
    @classmethod
    def _channels(cls, value: list[str]) -> list[str]:
        return _check_ids(value, _CHANNEL_ID, "channel IDs (like C0123ABCD)")

    @field_validator("admin_user_ids")
    @classmethod
    def _users(cls, value: list[str]) -> list[str]:
        return _check_ids(value, _USER_ID, "user IDs (like U0123ABCD)")

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        problems: list[str] = []
        if (self.scp_access_key is None) != (self.scp_secret_key is None):
            problems.append("set both SCP_ACCESS_KEY and SCP_SECRET_KEY, or neither to use the sandbox")
        if self.servicewatch_endpoint is None:
            problem = region_problem(self.scp_region, self.scp_environment)
            if problem:
                problems.append(problem)
        if not self.chart_min_width <= self.chart_width <= self.chart_max_width:
            problems.append(f"CHART_WIDTH={self.chart_width} is outside {self.chart_min_width}..{self.chart_max_width}")
        if not self.chart_min_height <= self.chart_height <= self.chart_max_height:
            problems.append(
                f"CHART_HEIGHT={self.chart_height} is outside {self.chart_min_height}..{self.chart_max_height}"
            )
        problems.extend(self._mode_problems())
        if self.resolved_mode in (BotMode.SOCKET, BotMode.HTTP) and self.uses_sandbox and not self.servicewatch_sandbox:
            problems.append(
                "Slack tokens are set but no SCP keys, so the bot would post the sandbox's synthetic charts into a "
                "real workspace: set SCP_ACCESS_KEY and SCP_SECRET_KEY, or SERVICEWATCH_SANDBOX=true to use the "
                "sandbox on purpose"
            )
        if self.servicewatch_sandbox and not self.uses_sandbox:
            problems.append("SERVICEWATCH_SANDBOX=true and SCP keys are both set: unset one or the other")
        if self.schedule_lease >= self.schedule_misfire_grace:
            problems.append(
                "SCHEDULE_LEASE must be shorter than SCHEDULE_MISFIRE_GRACE, or a dead run is never taken over"
            )
        problems.extend(self._retention_problems())
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _mode_problems(self) -> list[str]:
        if (self.slack_client_id is None) != (self.slack_client_secret is None):
            return ["set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (the installable app), or neither"]
        if self.installable and self.bot_mode is not BotMode.CONSOLE:  # the console ignores Slack's settings
            return self._install_problems()
        if self.bot_mode is BotMode.SOCKET and (self.slack_app_token is None or self.slack_bot_token is None):
            return ["BOT_MODE=socket needs SLACK_APP_TOKEN (xapp-…) and SLACK_BOT_TOKEN (xoxb-…)"]
        if self.bot_mode is BotMode.HTTP and (self.slack_signing_secret is None or self.slack_bot_token is None):
            return ["BOT_MODE=http needs SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (xoxb-…)"]
        return []

    def _install_problems(self) -> list[str]:
        """What stops the installable app (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set) from starting."""
        problems = []
        if self.bot_mode is BotMode.SOCKET or self.slack_app_token is not None:
            problems.append(
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET make the bot an installable app, which Slack serves only over "
                "HTTP (/slack/install, /slack/oauth_redirect, /slack/events), not Socket Mode: unset SLACK_APP_TOKEN "
                "and BOT_MODE=socket, or unset SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to keep one workspace"
            )
        if self.slack_bot_token is not None:
            problems.append(
                "SLACK_BOT_TOKEN (one workspace) and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET (installable app) are both "
                "set: unset one (each installation brings its own token)"
            )
        if self.slack_signing_secret is None:
            problems.append(
                "the installable app (SLACK_CLIENT_ID) needs SLACK_SIGNING_SECRET to check Slack's requests"
            )
        if not self.sealing_keys:
            problems.append(
                "the installable app stores each workspace's tokens encrypted: set SECRETS_KEYS (make a key with "
                "`python -m bot new-key`)"
            )
        return problems

    @property
    def installable(self) -> bool:
        """Whether the bot is an app anyone installs by OAuth (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set)."""
        return self.slack_client_id is not None and self.slack_client_secret is not None

    def _retention_problems(self) -> list[str]:
        keeps = [
            name for name in type(self).model_fields if name.startswith("retention_") and name != "retention_interval"
        ]
        problems = [f"{name.upper()} must be at least 1h" for name in keeps if getattr(self, name) < timedelta(hours=1)]
        # A finished run is the fence against posting its slot twice while the slot can still be claimed.
        if self.retention_schedule_runs <= self.schedule_misfire_grace:
            problems.append(
                "RETENTION_SCHEDULE_RUNS must be longer than SCHEDULE_MISFIRE_GRACE, or a run could post twice"
            )
        if self.retention_pending_requests <= self.request_orphan_age:
            problems.append("RETENTION_PENDING_REQUESTS must be longer than REQUEST_ORPHAN_AGE")
        return problems

    @property
    def public_url(self) -> str | None:
        """The origin chart links are made on: BOT_PUBLIC_URL, else SLACK_REDIRECT_URI's; None: no chart links."""
        if self.bot_public_url is not None:
            return self.bot_public_url
        if self.slack_redirect_uri is not None:
            parsed = urlparse(self.slack_redirect_uri)
            if parsed.scheme in ("https", "http") and parsed.hostname:
                return f"{parsed.scheme}://{parsed.netloc}"
        return None

    @property
    def uses_sandbox(self) -> bool:
        """True when no SCP keys are set: the bot signs with the sandbox's keys and, unless
        SERVICEWATCH_ENDPOINT points at a sandbox already running, starts its own."""
        return self.scp_access_key is None

    @property
    def servicewatch_url(self) -> str:
        """The ServiceWatch base URL to call (the sandbox's is decided when the sandbox starts)."""
        return self.servicewatch_endpoint or servicewatch_base_url(self.scp_region, self.scp_environment)

    @property
    def workspace_language(self) -> str | None:
        """The one language BOT_LANGUAGE forces on everyone (`en`, `ko`), or None: each person's own (`auto`)."""
        return None if self.bot_language == "auto" else self.bot_language

    @property
    def local_language(self) -> str:
        """The console's and the command line's language: BOT_LANGUAGE, English for `auto` (no Slack locale to go
        by; the machine's LANG is left alone, so a script's output does not change with the machine it runs on)."""
        return self.workspace_language or ENGLISH

    @property
    def resolved_mode(self) -> BotMode:
        """The mode `auto` stands for: Socket Mode, HTTP mode, or the local console."""
        if self.bot_mode is not BotMode.AUTO:
            return self.bot_mode
        if self.slack_app_token is not None and self.slack_bot_token is not None:
            return BotMode.SOCKET
        if self.slack_signing_secret is not None and (self.slack_bot_token is not None or self.installable):
            return BotMode.HTTP
        return BotMode.CONSOLE

    @property
    def ignored(self) -> list[str]:
        """Environment names that look like settings (by prefix) but are none, and resemble none: shown at start."""
        return self._ignored

    @ignored.setter
    def ignored(self, names: list[str]) -> None:
        self._ignored = names

    def secret_values(self) -> list[str]:
        """Every secret's value, for the log filter that keeps them out of log lines."""
        secrets = [self.slack_bot_token, self.slack_app_token, self.slack_signing_secret, self.scp_secret_key]
        secrets.append(self.slack_client_secret)
        secrets.append(self.scp_access_key)
        return [secret.get_secret_value() for secret in secrets if secret is not None] + self.sealing_keys

    @property
    def sealing_keys(self) -> list[str]:
        """The keys of SECRETS_KEYS, newest first (comma-separated in the setting)."""
        text = self.secrets_keys.get_secret_value() if self.secrets_keys is not None else ""
        return [key.strip() for key in text.split(",") if key.strip()]


def load_settings(**values: Any) -> Settings:
    """Read settings from the environment and `.env`; raise SettingsError listing every problem, a misspelled
    setting's name included (`SCP_ACESS_KEY`). Unknown names with no setting close to them are kept in
    `Settings.ignored` for the banner."""
    env_file = values.get("_env_file", Settings.model_config.get("env_file"))
    names = set(os.environ)
    if isinstance(env_file, str) and Path(env_file).is_file():
        names |= set(dotenv_values(env_file))
    misspelled, ignored = unknown_settings(names)
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc, misspelled)) from None
    if misspelled:
        raise SettingsError(describe_validation_error(None, misspelled))
    settings.ignored = ignored
    return settings


SETTING_PREFIXES = ("SCP_", "SLACK_", "SERVICEWATCH_", "BOT_", "SCHEDULE_", "CHART_", "RETENTION_")


def unknown_settings(names: Iterable[str]) -> tuple[list[str], list[str]]:
    """Among `names`, those that look like the bot's settings (by prefix) but are none: (problems naming the
    setting meant, names with no setting close to them)."""
    known = {name.upper() for name in Settings.model_fields}
    misspelled: list[str] = []
    ignored: list[str] = []
    for name in sorted(names):
        if not name.startswith(SETTING_PREFIXES) or name in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        if close:
            misspelled.append(f"{name} is not a setting; did you mean {close[0]}?")
        else:
            ignored.append(name)
    return misspelled, ignored


def describe_validation_error(exc: ValidationError | None, more: Iterable[str] = ()) -> str:
    """One line per problem, named by the environment variable, without echoing any value."""
    lines = ["The settings are not valid:"]
    lines.extend(f"  - {problem}" for problem in more)
    for error in exc.errors(include_url=False, include_input=False) if exc is not None else []:
        name = ".".join(str(part) for part in error["loc"]).upper()
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"  - {name}: {message}" if name else f"  - {message}")
    lines.append("Fix them in the environment or in .env (see .env.example), then start again.")
    return "\n".join(lines)
