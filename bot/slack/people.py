"""Who people are, as far as charts care: their Slack timezone and language (one users.info call), cached."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import ENGLISH, language_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Person:
    timezone: str | None  # their IANA timezone; None when Slack does not say
    locale: str | None  # their Slack locale (`ko-KR`); None when Slack does not say


class People:
    """Timezones and languages by user ID, asked of Slack (`users.info` with `include_locale`) once an hour at most
    per person. `language`, when set (BOT_LANGUAGE `en` or `ko`), is everyone's language whatever their locale."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        clients: Callable[[str], AsyncWebClient] | None = None,
        language: str | None = None,
        ttl: float = 3600,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._clients = clients  # a workspace key → its client: a user is asked about in their own workspace
        self._language = language
        self._ttl = ttl
        self._clock = clock
        self._people: dict[str, tuple[float, Person]] = {}

    async def timezone(self, user_id: str, workspace: str = "") -> str | None:
        """The user's IANA timezone, or None when Slack does not say (the bot's default applies)."""
        return (await self._person(user_id, workspace)).timezone

    async def language(self, user_id: str, workspace: str = "") -> str:
        """The language to answer the user in: the workspace's when forced, else their Slack locale's."""
        if self._language is not None:
            return self._language
        return language_of((await self._person(user_id, workspace)).locale)

    def known_language(self, user_id: str) -> str:
        """At once, with no call to Slack (an acknowledgement cannot wait): the workspace's language when forced,
        else the language of the user's locale when it is cached (however old), else English."""
        if self._language is not None:
            return self._language
        cached = self._people.get(user_id)
        return language_of(cached[1].locale) if cached else ENGLISH

    async def _person(self, user_id: str, workspace: str) -> Person:
        cached = self._people.get(user_id)
        if cached and self._clock() - cached[0] < self._ttl:
            return cached[1]
        client = self._clients(workspace) if self._clients is not None and workspace else self._client
        try:
            response = await client.users_info(user=user_id, include_locale=True)
            user = response.get("user") or {}
            zone = user.get("tz") if isinstance(user, dict) else None
            locale = user.get("locale") if isinstance(user, dict) else None
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("users.info failed for %s (%s); using the default timezone and language", user_id, exc)
            return cached[1] if cached else Person(None, None)
        person = Person(
            zone if isinstance(zone, str) and zone else None, locale if isinstance(locale, str) and locale else None
        )
        self._people[user_id] = (self._clock(), person)
        return person
