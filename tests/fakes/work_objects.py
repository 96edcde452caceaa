"""The fake Slack's link unfurls and Work Objects, as Slack documents them (docs.slack.dev: unfurling links in
messages, Work Objects, `link_shared`, `chat.unfurl`, `entity_details_requested`, `entity.presentDetails`):

- a message someone posts (`fake.paste`) whose links are on one of the app's unfurl domains (the manifest's
  `features.unfurl_domains`, and their subdomains; links inside code are not links) sends `link_shared` to the app
  (`channel`, `user`, `message_ts`, `thread_ts`, `unfurl_id`, `source`, `links`: at most five per event), if the app
  subscribes to it and holds `links:read`; the composer's preview (`source=composer`) has no message yet;
- `chat.unfurl` (links:write) takes `channel`+`ts` or `unfurl_id`+`source`, and `unfurls` or `metadata`; each
  metadata entity needs a known `entity_type`, a `url`, an `external_ref.id`, the `app_unfurl_url` exactly as the
  message holds it (else `cannot_unfurl_url`), and `entity_payload.attributes.title.text`; its custom fields'
  types must be Slack's; a `slack_file` preview must be a file the app uploaded (else `invalid_metadata`);
- a person who opens an unfurled Work Object (`fake.open_unfurl`) sends `entity_details_requested` with a fresh
  `trigger_id`, the entity's `external_ref`, `entity_url`, `app_unfurl_url`, `link`, `user_locale`, `channel` and
  `message_ts`; `entity.presentDetails` needs that trigger (`invalid_trigger_id`), `metadata` whose external_ref
  matches it (`entity_metadata_does_not_match_trigger`) or an `error` with a `status`, and shows that person alone
  what it was given (`fake.flexpanes[trigger]`). Slack does not document a trigger's lifetime here, so none is
  enforced."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

if TYPE_CHECKING:
    from tests.fakes.slack import Message

ENTITY_TYPES = {
    "slack#/entities/task",
    "slack#/entities/file",
    "slack#/entities/item",
    "slack#/entities/incident",
    "slack#/entities/content_item",
}
FIELD_TYPES = {
    "integer",
    "string",
    "array",
    "boolean",
    "slack#/types/date",
    "slack#/types/timestamp",
    "slack#/types/image",
    "slack#/types/channel_id",
    "slack#/types/user",
    "slack#/types/entity_ref",
    "slack#/types/link",
    "slack#/types/email",
}
LINKS_PER_EVENT = 5
_LINK = re.compile(r"<(https?://[^|>\s]+)(?:\|[^>]*)?>|(?<![<|])\b(https?://[^\s<>]+)")
_CODE = re.compile(r"```.*?```|`[^`]*`", re.DOTALL)


def manifest_unfurl_domains(manifest: Path) -> tuple[str, ...]:
    """The manifest's `features.unfurl_domains`."""
    found = re.search(r"^  unfurl_domains:\n((?:    - .*\n)+)", manifest.read_text(), re.MULTILINE)
    if not found:
        return ()
    return tuple(line.strip().removeprefix("- ").split("#")[0].strip() for line in found.group(1).splitlines())


def manifest_bot_events(manifest: Path) -> frozenset[str]:
    found = re.search(r"^    bot_events:\n((?:      - .*\n)+)", manifest.read_text(), re.MULTILINE)
    assert found, f"no bot events in {manifest}"
    return frozenset(line.split("#")[0].strip().removeprefix("- ").strip() for line in found.group(1).splitlines())


@dataclass
class Unfurl:
    """What chat.unfurl gave one message's (or the composer's) links: everyone in the conversation sees it."""

    channel: str | None
    ts: str | None
    unfurl_id: str | None
    entities: list[dict[str, Any]]


@dataclass
class Shared:
    """A `link_shared` the fake sent: where, and the links it named."""

    channel: str
    ts: str | None
    unfurl_id: str
    source: str
    links: list[str]
    user: str


@dataclass
class Trigger:
    user: str
    external_ref_id: str


@dataclass
class Unfurls:
    """The fake's unfurl state: the app's domains, the events sent, the unfurls and flexpanes made."""

    domains: tuple[str, ...]
    events: frozenset[str]
    shared: list[Shared] = field(default_factory=list)
    unfurls: list[Unfurl] = field(default_factory=list)
    triggers: dict[str, Trigger] = field(default_factory=dict)
    flexpanes: dict[str, dict[str, Any]] = field(default_factory=dict)  # trigger → what the viewer was shown

    def on_domain(self, url: str) -> bool:
        host = (urlparse(url).hostname or "").lower()
        return any(host == domain or host.endswith("." + domain) for domain in self.domains)

    def links_in(self, text: str) -> list[str]:
        """The links of a message that are on the app's domains, outside code, in order, each once."""
        outside_code = _CODE.sub(" ", text)
        found = [m.group(1) or m.group(2) for m in _LINK.finditer(outside_code)]
        return list(dict.fromkeys(url for url in found if self.on_domain(url)))

    def unfurled(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """The entities the app unfurled in message `ts` of `channel` (the latest chat.unfurl's)."""
        made = [u for u in self.unfurls if u.channel == channel and u.ts == ts]
        return made[-1].entities if made else []


class WorkObjectMethods:
    """chat.unfurl and entity.presentDetails, mixed into FakeSlack."""

    unfurl_state: Unfurls

    def _chat_unfurl(self, params: dict[str, Any]) -> dict[str, Any]:
        state = self.unfurl_state
        by_message = bool(params.get("channel")) and bool(params.get("ts"))
        by_id = bool(params.get("unfurl_id")) and bool(params.get("source"))
        if not (by_message or by_id):
            raise self.error("invalid_arguments", detail="channel and ts, or unfurl_id and source")
        if params.get("source") and params["source"] not in ("composer", "conversations_history"):
            raise self.error("invalid_source")
        shared = next(
            (
                s
                for s in reversed(state.shared)
                if (by_id and s.unfurl_id == params["unfurl_id"])
                or (by_message and s.channel == params["channel"] and s.ts == params["ts"])
            ),
            None,
        )
        if shared is None:
            raise self.error("cannot_find_message" if by_message else "invalid_unfurl_id")
        metadata = _json(params.get("metadata"))
        if not params.get("unfurls") and metadata is None:
            raise self.error("invalid_arguments", detail="unfurls or metadata")
        entities = (metadata or {}).get("entities") if isinstance(metadata, dict) else None
        if metadata is not None and not isinstance(entities, list):
            raise self.error("invalid_metadata")
        for entity in entities or []:
            problem = self._entity_problem(entity)
            if problem:
                raise self.error("invalid_metadata", detail=problem)
            if entity["app_unfurl_url"] not in shared.links:
                raise self.error("cannot_unfurl_url")
        state.unfurls.append(Unfurl(shared.channel, shared.ts, shared.unfurl_id, list(entities or [])))
        return {"ok": True}

    def _entity_presentDetails(self, params: dict[str, Any]) -> dict[str, Any]:
        state = self.unfurl_state
        trigger = state.triggers.get(str(params.get("trigger_id") or ""))
        if trigger is None:
            raise self.error("invalid_trigger_id")
        metadata = _json(params.get("metadata"))
        error = _json(params.get("error"))
        if metadata is None and error is None and not params.get("user_auth_required"):
            raise self.error("invalid_arguments", detail="metadata, error or user_auth_required")
        if metadata is not None:
            problem = self._entity_problem(metadata, unfurled=False)
            if problem:
                raise self.error("invalid_metadata", detail=problem)
            if metadata["external_ref"]["id"] != trigger.external_ref_id:
                raise self.error("entity_metadata_does_not_match_trigger")
        if error is not None and (not isinstance(error, dict) or not error.get("status")):
            raise self.error("invalid_arguments", detail="error.status")
        state.flexpanes[str(params["trigger_id"])] = {"user": trigger.user, "metadata": metadata, "error": error}
        return {"ok": True}

    def _entity_problem(self, entity: Any, *, unfurled: bool = True) -> str | None:
        if not isinstance(entity, dict):
            return "an entity is an object"
        if entity.get("entity_type") not in ENTITY_TYPES:
            return f"unknown entity_type {entity.get('entity_type')!r}"
        if not isinstance(entity.get("url"), str) or not entity["url"]:
            return "url is required"
        if not isinstance(entity.get("external_ref"), dict) or not entity["external_ref"].get("id"):
            return "external_ref.id is required"
        if unfurled and not entity.get("app_unfurl_url"):
            return "app_unfurl_url is required in chat.unfurl"
        payload = entity.get("entity_payload")
        title = ((payload or {}).get("attributes") or {}).get("title") or {}
        if not isinstance(title.get("text"), str) or not title["text"]:
            return "entity_payload.attributes.title.text is required"
        for custom in payload.get("custom_fields") or []:
            if custom.get("type") not in FIELD_TYPES or not custom.get("key") or not custom.get("label"):
                return f"custom field {custom.get('key')!r}: key, label and a known type are required"
        preview = (payload.get("fields") or {}).get("preview")
        if preview is not None:
            ref = preview.get("slack_file")
            if ref is not None and self._file_of(ref) is None:
                return "preview.slack_file is not a file of this app"
            if ref is None and not preview.get("image_url"):
                return "preview needs image_url or slack_file"
        return None

    # What tests do as people -----------------------------------------------------------------------------------

    async def paste(
        self, user: str, channel: str, text: str, *, composer: bool = False, thread_ts: str | None = None
    ) -> Message | None:
        """`user` posts `text` in `channel` (or, with `composer`, only types it: no message yet); its links on the
        app's domains send `link_shared`. The message (None for the composer)."""
        state = self.unfurl_state
        message = None if composer else self.message_from(user, channel, text)
        links = state.links_in(text)[:LINKS_PER_EVENT]
        if not links or "link_shared" not in state.events or "links:read" not in self.scopes:
            return message
        unfurl_id = f"{channel}.{secrets.token_hex(4)}.{secrets.token_hex(16)}"
        ts = None if message is None else message.ts
        state.shared.append(
            Shared(channel, ts, unfurl_id, "composer" if composer else "conversations_history", links, user)
        )
        event: dict[str, Any] = {
            "type": "link_shared",
            "channel": channel,
            "is_bot_user_member": channel in self.channels and self.channels[channel].is_member,
            "user": user,
            "unfurl_id": unfurl_id,
            "source": "composer" if composer else "conversations_history",
            "links": [{"domain": (urlparse(url).hostname or ""), "url": url} for url in links],
        }
        if ts is not None:
            event["message_ts"] = ts
        if thread_ts:
            event["thread_ts"] = thread_ts
        answer = await self.installs.event(self.channels[channel].team, event)
        assert answer.status_code == 200, answer.text
        return message

    async def open_unfurl(self, user: str, channel: str, ts: str, url: str) -> str:
        """`user` clicks the Work Object unfurled for `url` in message `ts`: `entity_details_requested` is sent;
        the trigger id (the flexpane is `fake.unfurl_state.flexpanes[trigger]` once the app answers)."""
        state = self.unfurl_state
        entity = next((e for e in state.unfurled(channel, ts) if e.get("app_unfurl_url") == url), None)
        assert entity is not None, f"nothing unfurled for {url} in {channel}/{ts}: there is nothing to open"
        trigger = f"{secrets.randbelow(10**13)}.{secrets.randbelow(10**13)}.{secrets.token_hex(16)}"
        state.triggers[trigger] = Trigger(user, str(entity["external_ref"]["id"]))
        person = self.users.get(user)
        event = {
            "type": "entity_details_requested",
            "user": user,
            "external_ref": entity["external_ref"],
            "entity_url": entity["url"],
            "link": {"url": url, "domain": urlparse(url).hostname or ""},
            "app_unfurl_url": url,
            "trigger_id": trigger,
            "user_locale": person.locale if person is not None else "en-US",
            "channel": channel,
            "message_ts": ts,
        }
        answer = await self.installs.event(self.channels[channel].team, event)
        assert answer.status_code == 200, answer.text
        return trigger


def _json(value: Any) -> Any:
    """An argument Slack takes as JSON, sent as an object (a JSON body) or as a URL-encoded string."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return "unparseable"
    return value
