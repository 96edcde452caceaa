"""A fake Slack over real HTTP on an ephemeral port: the Web API methods the bot calls, the upload URL, a
response_url sink and a Socket Mode websocket. It records what it receives and can be told to misbehave.

It is as strict as Slack about the workspace: tests declare its people (`fake.user`) and channels (`fake.channel`,
with their members, the bot among them or not), or take `fake.default_workspace()`; anything else is unknown, as
in Slack. The rules, from Slack's method references (docs.slack.dev/reference/methods/…):

- a channel that does not exist, or a private one the bot is not in (Slack hides it), is `channel_not_found`;
- posting (chat.postMessage, chat.postEphemeral, files.completeUploadExternal with `channel_id`) into an archived
  channel is `is_archived`, into a channel the bot is not in `not_in_channel` (chat:write.public lets the chat.*
  methods reach public channels; file shares still need membership); chat.postMessage to a person's user ID is
  a direct message from the bot (its Messages tab);
- chat.postEphemeral to someone not in the channel is `user_not_in_channel`; its `blocks` are checked as
  chat.postMessage's are;
- conversations.join adds the bot to a public channel (scope channels:join; `already_in_channel` is a warning);
  a private channel is joined only by invitation (one the bot is not in is not found; one it is in is
  `method_not_supported_for_channel_type`);
- conversations.info and conversations.members need channels:read (public) or groups:read (private);
  conversations.members pages with `limit` (1–999, default 100) and `cursor` (`response_metadata.next_cursor`);
- each method needs its scope (`missing_scope`, naming it); the bot's scopes are the manifest's (manifest.yaml),
  as Slack grants them at install; an unknown method is `unknown_method`.

Messages and files:

- chat.postMessage keeps each message in its channel (`fake.message(channel, ts)`, `fake.messages`) with its `ts`,
  `thread_ts`, `text`, `blocks` and poster; it needs `text` or `blocks` (`no_text`); `blocks` come as a list or a
  JSON string (not an array: `invalid_blocks_format`) and are checked as Slack checks them (tests/fakes/blocks.py:
  the kinds the bot uses, 50 blocks, Slack's lengths); a malformed block is `invalid_blocks` with Slack's `errors`
  and `response_metadata.messages` (`[ERROR] … [json-pointer:/blocks/…]`); a block without a `block_id` gets one;
  the chart Slack's clients draw and the table are known blocks unless `fake.native_blocks` is False (a Slack
  without them: `unsupported type`);
- chat.update (channel + ts) edits a message the bot posted: an unknown ts is `message_not_found`, someone else's
  message (`fake.message_from`) `cant_update_message`; new `blocks` replace the old ones, and `text` without
  `blocks` drops them (chat.update's reference); the earlier versions are kept in `Message.edits`;
- a completed upload is a file of the bot's (`fake.files`; without `channel_id` a private one, shown nowhere; a
  `D…` channel_id shares it into the bot's direct messages with that person, once the bot has written there),
  which Slack processes a while after the upload: `fake.file_ready_after` seconds on the fake's clock (0: at once;
  `fake.advance(seconds)` moves the clock, so no test sleeps). An image block's `slack_file` (`{"id": F…}`, or
  `{"url": …}` with the file's `url_private` or `permalink`) is `invalid_blocks` (`invalid slack file`) until the
  file is processed, and for a file that is unknown or not a png/jpg/gif;
- whether an image block may show a processed file shared into no channel is unsettled in Slack's tracker, so
  `fake.unshared_in_blocks` plays both: True (accepted), False (`invalid_blocks`, `invalid slack file`);
  files.delete (files:write) deletes a file of the bot's (`fake.deleted`);
- files.info (files:read) shows a file as Slack does; until it is processed `mimetype`, `filetype` and
  `pretty_type` are empty and it has no `original_w`/`original_h`/`thumb_*` (the docs name no readiness field;
  python-slack-sdk#1575 shows a fresh upload's empty `mimetype`, and the file object's reference a processed
  image's `original_w` and `thumb_*`: a bot may wait on either, they appear together here).

`fake.posts` are the charts people see: uploads shared into a channel, and messages whose image block shows an
uploaded file (their `ts` set), from the moment it does (chat.postMessage, or the chat.update by which an image
joins a message that came first with the chart Slack's clients draw)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import math
import re
import secrets
import struct
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes import blocks as block_kit
from tests.fakes.slack_oauth import SlackInstalls, Team
from tests.fakes.work_objects import Unfurls, WorkObjectMethods, manifest_bot_events, manifest_unfurl_domains
from tests.fakes.workflows import Steps, WorkflowMethods, manifest_functions

BOT_USER = "UBOT0001"
APP_TOKEN = "xapp-1-test"
BOT_TOKEN = "xoxb-test-token"
TEAM = "T0TEAM001"
BOT_ID = "B0001"
APP_ID = "A0APP"
MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yaml"

# The default workspace (`FakeSlack.default_workspace`): the people and channels the tests talk about.
PEOPLE = {"U0KIM": "kim", "U0LEE": "lee", "U0BOSS": "boss"}
CHANNELS = {"C0OPS": "ops", "C0INC": "incidents", "C0OTHER": "other"}
DEFAULT_TZ = "America/New_York"
DEFAULT_LOCALE = "en-US"

# The scope each method needs with a bot token (conversations.info/members: by the channel's type, below).
SCOPES = {
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "files.info": "files:read",
    "files.delete": "files:write",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "users.info": "users:read",
    "conversations.join": "channels:join",
    "chat.unfurl": "links:write",
}


def manifest_scopes(manifest: Path = MANIFEST) -> frozenset[str]:
    """The bot scopes the app's manifest asks for: what Slack grants the bot token when the app is installed."""
    found = re.search(r"^    bot:\n((?:\s+- .*\n)+)", manifest.read_text(), re.MULTILINE)
    assert found, f"no bot scopes in {manifest}"
    return frozenset(line.split("#")[0].strip().removeprefix("- ").strip() for line in found.group(1).splitlines())


class SlackError(Exception):
    """A Web API method's refusal: `{"ok": false, "error": …}` and any other fields Slack adds."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.body = {"ok": False, "error": error, **extra}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Post:
    """A chart as Slack would show it: a completed upload shared into a channel, or a message (`ts`) whose image
    block shows an uploaded file, with its bytes."""

    channel: str
    thread_ts: str | None
    comment: str
    title: str
    filename: str
    alt_txt: str
    data: bytes
    file_id: str = ""
    at: float = 0.0  # time.time() when Slack accepted it
    team: str = TEAM  # the workspace it was posted in
    ts: str = ""  # the message showing it, when it is shown by an image block


@dataclass
class Message:
    """A message in a channel (a person's `D…` for a direct message from the bot), as Slack keeps it."""

    channel: str
    ts: str
    user: str  # who posted it: BOT_USER for the bot
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    edits: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)  # earlier (text, blocks), oldest first

    def shown(self) -> dict[str, Any]:
        """As Slack returns it: chat.postMessage's and chat.update's `message`, a block_actions payload's."""
        shown: dict[str, Any] = {"type": "message", "user": self.user, "text": self.text, "ts": self.ts, "team": TEAM}
        if self.user == BOT_USER:
            shown |= {"bot_id": BOT_ID, "app_id": APP_ID}
        if self.blocks:
            shown["blocks"] = self.blocks
        if self.thread_ts:
            shown["thread_ts"] = self.thread_ts
        return shown


@dataclass
class File:
    """A completed upload: a file of the bot's, private unless shared into `channels`."""

    id: str
    name: str
    title: str
    alt_txt: str
    data: bytes
    channels: list[str]
    completed_at: float  # on the fake's clock (`FakeSlack.now`)
    created: int  # Unix time, as files.info shows it

    @property
    def url_private(self) -> str:
        return f"https://files.slack.com/files-pri/{TEAM}-{self.id}/{self.name}"

    @property
    def permalink(self) -> str:
        return f"https://acme.slack.com/files/{BOT_USER}/{self.id}/{self.name}"

    @property
    def image_type(self) -> str:
        """png, jpg or gif by the file's bytes (the image types a slack_file may be); "" for anything else."""
        signatures = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg", b"GIF87a": "gif", b"GIF89a": "gif"}
        return next((kind for magic, kind in signatures.items() if self.data.startswith(magic)), "")


@dataclass
class Fault:
    method: str
    kind: str  # "error" (ok: false), "ratelimited" (429), "status" (an HTTP error), "reset_after" (do it, then drop it)
    error: str = ""
    retry_after: int = 1
    times: int = 1
    status: int = 503


class RateLimit:
    """Slack's per-method limit as a token bucket per workspace (Slack counts each workspace apart): `per_minute`
    calls, bursts of up to `burst`; beyond it, 429."""

    def __init__(self, per_minute: float, burst: int = 1, clock: Any = time.monotonic) -> None:
        self.rate, self.burst, self._clock = per_minute / 60.0, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}  # team → (tokens, when counted)
        self.refused = 0

    def take(self, team: str = TEAM) -> float:
        """0 when the call may go ahead; else the seconds until it may (Slack's Retry-After, rounded up)."""
        now = self._clock()
        tokens, at = self._buckets.get(team, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens >= 1:
            self._buckets[team] = (tokens - 1, now)
            return 0.0
        self._buckets[team] = (tokens, now)
        self.refused += 1
        return (1 - tokens) / self.rate


@dataclass
class User:
    id: str
    name: str
    tz: str = DEFAULT_TZ
    locale: str = DEFAULT_LOCALE
    is_admin: bool = False  # a workspace admin (users.info's is_admin)
    is_owner: bool = False


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_archived: bool = False
    members: list[str] = field(default_factory=list)  # user ids in the order they joined; the bot's when it is in
    team: str = TEAM  # the workspace it is in: only that workspace's tokens see it
    bot: str = BOT_USER  # that workspace's bot user

    @property
    def is_member(self) -> bool:
        """Whether the bot is in it."""
        return self.bot in self.members


@dataclass
class Ephemeral:
    """A message only `user` sees (chat.postEphemeral): Slack keeps no copy (no chat.update, no history)."""

    channel: str
    user: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None
    ts: str

    def shown(self) -> dict[str, Any]:
        """What a click payload may carry of it (its ts and blocks, when Slack sends the message at all)."""
        return {"type": "message", "text": self.text, "ts": self.ts, "blocks": self.blocks}


class FakeSlack(WorkObjectMethods, WorkflowMethods):
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.posts: list[Post] = []
        self.responses: list[dict[str, Any]] = []  # what was posted to response_urls, in order
        self.ephemerals: list[Ephemeral] = []
        self.response_url_status = 200  # e.g. 404: every response_url is refused, as an expired or used-up one is
        self.users: dict[str, User] = {}  # the workspace's people: `user()`, `default_workspace()`
        self.channels: dict[str, Channel] = {}  # its channels: `channel()`, `default_workspace()`
        self.scopes: frozenset[str] = manifest_scopes()  # the bot token's
        self.refusals: list[tuple[str, str]] = []  # (method, error) of each call the workspace's rules refused
        self.faults: list[Fault] = []
        self.rate_limits: dict[str, RateLimit] = {}  # method → its limit
        self.token_error = ""  # e.g. "token_revoked": Slack's answer to every call with the bot token, auth.test too
        self.socket_acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._uploads: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, dict[str, Message]] = {}  # channel → ts → message
        self.files: dict[str, File] = {}  # completed uploads by ID
        self.file_ready_after = 0.0  # seconds after its upload completes until Slack has processed a file
        self.native_blocks = True  # False: a Slack that knows no data_visualization or table block (invalid_blocks)
        # Whether an image block may show a processed file shared into no channel: reports differ (python-slack-sdk
        # #1251, java-slack-sdk#1349 refuse it as "invalid slack file"; others post fine), so the fake plays both.
        self.unshared_in_blocks = True
        self.deleted: list[str] = []  # the files the bot deleted (files.delete)
        self.clock_offset = 0.0  # added to time.monotonic(): `advance()`
        self._last_ts = 0  # microseconds of the last message ts handed out
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_ready = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""
        # The workspaces and the tokens issued in them (tests/fakes/slack_oauth.py); Acme's bot token from the start.
        team = Team(TEAM, "Acme", BOT_USER, BOT_ID, "acme")
        self.installs = SlackInstalls(self, team=team, token=BOT_TOKEN, app_id=APP_ID)
        self.calling_team = TEAM  # the team of the call being answered (its token's)
        # Link unfurls and Work Objects (tests/fakes/work_objects.py): the app's unfurl domains and events, its manifest's
        self.unfurl_state = Unfurls(manifest_unfurl_domains(MANIFEST), manifest_bot_events(MANIFEST))
        self.steps = Steps(manifest_functions(MANIFEST))  # Workflow Builder's custom steps (tests/fakes/workflows.py)

    # Life cycle -----------------------------------------------------------------------------------------------

    async def start(self, extra_routes: Any = None, *, host: str = "127.0.0.1", reached_as: str = "") -> str:
        """Listen on `host` (an ephemeral port); its URL names `reached_as` instead when given (a container reaches
        it as `host.docker.internal`: its response_urls and upload URLs say so)."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        if extra_routes is not None:
            extra_routes(app)
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/commands/{team}/{number}/{key}", self._response)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://{reached_as or '127.0.0.1'}:{port}"
        return self.url

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self) -> str:
        """Shaped like Slack's (`…/commands/T…/…/…`), so the log filter treats it as Slack's."""
        return f"{self.url}/commands/{TEAM}/{secrets.randbelow(10**9)}/{secrets.token_hex(12)}"

    # The workspace ----------------------------------------------------------------------------------------------

    def user(
        self,
        user_id: str,
        *,
        name: str = "",
        tz: str = DEFAULT_TZ,
        locale: str = DEFAULT_LOCALE,
        admin: bool = False,
        owner: bool = False,
    ) -> User:
        """Declare a person of the workspace (again: changes their name, timezone, locale or admin rights)."""
        self.users[user_id] = User(user_id, name or user_id.lower(), tz, locale, admin, owner)
        return self.users[user_id]

    def channel(
        self,
        channel_id: str,
        name: str = "",
        *,
        members: Iterable[str] = (),
        bot_member: bool = True,
        private: bool = False,
        archived: bool = False,
        team: str = TEAM,
    ) -> Channel:
        """Declare a channel of `team` and its members (people already declared with `user`), the bot among them or
        not."""
        people = list(members)
        unknown = [person for person in people if person not in self.users]
        assert not unknown, f"declare {unknown} with fake.user() first"
        bot = self.installs.teams[team].bot_user
        channel = Channel(channel_id, name or channel_id.lower(), private, archived, people, team, bot)
        if bot_member:
            channel.members.append(bot)
        self.channels[channel_id] = channel
        return channel

    def default_workspace(self) -> FakeSlack:
        """Acme's workspace as most tests use it: PEOPLE (each in DEFAULT_TZ) and CHANNELS (public), everyone in
        every channel, the bot too. Anything else a test needs it declares itself."""
        for user_id, name in PEOPLE.items():
            self.user(user_id, name=name)
        for channel_id, name in CHANNELS.items():
            self.channel(channel_id, name, members=PEOPLE)
        return self

    def error(self, code: str, **extra: Any) -> SlackError:
        """A method's refusal, as Slack words it (for the methods modelled in other modules)."""
        return SlackError(code, **extra)

    def events_to(self, url: str, signing_secret: str) -> None:
        """The app's Request URL and signing secret: where events (link_shared, …) are sent, signed."""
        self.installs.events_url, self.installs.signing_secret = url, signing_secret

    def message_from(self, user: str, channel: str, text: str) -> Message:
        """A message someone (not the bot) posted in `channel`: one the bot may not edit."""
        return self._keep(Message(channel, self._new_ts(), user, text, []))

    # The fake's clock: when an uploaded file is processed ---------------------------------------------------------

    def now(self) -> float:
        return time.monotonic() + self.clock_offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock on, as if `seconds` had passed (files get processed; nothing sleeps)."""
        self.clock_offset += seconds

    def processed(self, file: File) -> bool:
        return self.now() - file.completed_at >= self.file_ready_after

    # What tests look at ---------------------------------------------------------------------------------------

    def message(self, channel: str, ts: str) -> Message:
        """The message `ts` in `channel` as it stands now (after any chat.update)."""
        found = self.messages.get(channel, {}).get(ts)
        assert found is not None, f"no message {ts} in {channel}; there are {list(self.messages.get(channel, {}))}"
        return found

    def methods(self) -> list[str]:
        return [call.method for call in self.calls]

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def count(self, method: str) -> int:
        """How many times `method` was called (caches are asserted with it)."""
        return self.methods().count(method)

    async def wait_for(self, predicate: Any, within: float = 15.0) -> None:
        """Wait until `predicate()` is true (the bot works after acknowledging, so results come later)."""
        deadline = asyncio.get_running_loop().time() + within
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out; the fake Slack saw {self.methods()}")
            await asyncio.sleep(0.02)

    # The Web API ----------------------------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        """Slack's clients send arguments as a query string, a form or JSON; take them from all three."""
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST":
            if request.content_type == "application/json":
                body = await request.json()
                params.update(body if isinstance(body, dict) else {})
            else:
                form = await request.post()
                params.update({key: form.get(key) for key in form})
        return params

    def _fault(self, method: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append(Call(method, params, dict(request.headers)))
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if method == "oauth.v2.access":  # the app's credentials, not a token
            try:
                return web.json_response(
                    self.installs.oauth_v2_access(params, request.headers.get("Authorization", ""))
                )
            except SlackError as refusal:
                return web.json_response(refusal.body)
        if method == "apps.connections.open":  # the one method of app-level tokens, as Slack has it
            if token.startswith("xoxb-"):
                return web.json_response({"ok": False, "error": "not_allowed_token_type"})
            if token != APP_TOKEN:
                return web.json_response({"ok": False, "error": "invalid_auth"})
        else:
            try:
                self.calling_team = self.installs.team_of(token)
            except SlackError as refusal:
                return web.json_response(refusal.body)
        if self.token_error and method != "apps.connections.open":
            return web.json_response({"ok": False, "error": self.token_error})
        limit = self.rate_limits.get(method)
        wait = limit.take(self.calling_team) if limit is not None else 0.0
        if wait:
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(math.ceil(wait))}
            )
        fault = self._fault(method)
        if fault and fault.kind == "ratelimited":
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(fault.retry_after)}
            )
        if fault and fault.kind == "status":
            return web.Response(status=fault.status, text="Service Unavailable")
        if fault and fault.kind == "error":
            return web.json_response({"ok": False, "error": fault.error})
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        try:
            if handler is None:  # a method this fake does not model: refused rather than accepted blindly
                raise SlackError("unknown_method", req_method=method)
            self._needs(SCOPES.get(method))
            body = handler(params)
        except SlackError as refusal:
            self.refusals.append((method, refusal.body["error"]))
            body = refusal.body
        if fault and fault.kind == "reset_after":
            assert request.transport is not None
            request.transport.abort()
            raise asyncio.CancelledError
        return web.json_response(body)

    # The methods, each as Slack documents it ------------------------------------------------------------------

    def _needs(self, scope: str | None) -> None:
        if scope is not None and scope not in self.scopes:
            raise SlackError("missing_scope", needed=scope, provided=",".join(sorted(self.scopes)))

    def _visible(self, channel_id: str) -> Channel:
        """The channel as the bot sees it: one that does not exist, or a private one it is not in, is not found."""
        channel = self.channels.get(channel_id)
        if channel is None or channel.team != self.calling_team or (channel.is_private and not channel.is_member):
            raise SlackError("channel_not_found")
        return channel

    def _postable(self, channel_id: str, method: str) -> Channel:
        """Where the bot may post: visible, not archived, and the bot in it (chat:write.public: any public one for
        the chat.* methods, never for file shares)."""
        channel = self._visible(channel_id)
        if channel.is_archived:
            raise SlackError("is_archived")
        reaches_public = method.startswith("chat.") and "chat:write.public" in self.scopes
        if not channel.is_member and not (reaches_public and not channel.is_private):
            raise SlackError("not_in_channel")
        return channel

    def _direct(self, channel_id: str) -> bool:
        """A direct message conversation of the bot with a person, opened by a message the bot sent them."""
        return channel_id.startswith("D") and f"U{channel_id[1:]}" in self.users and channel_id in self.messages

    def _read_scope(self, channel: Channel) -> None:
        self._needs("groups:read" if channel.is_private else "channels:read")

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        team = self.installs.teams[self.calling_team]
        return {
            "ok": True,
            "user_id": team.bot_user,
            "user": "servicewatch",
            "team_id": team.id,
            "team": team.name,
            "bot_id": team.bot_id,
            "url": f"https://{team.domain}.slack.com/",
        }

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"{self.url.replace('http', 'ws')}/socket"}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(params.get("user", ""))
        if user is None:
            raise SlackError("user_not_found")
        found = {
            "id": user.id,
            "team_id": TEAM,
            "name": user.name,
            "tz": user.tz,
            "is_bot": False,
            "is_admin": user.is_admin,
            "is_owner": user.is_owner,
        }
        if str(params.get("include_locale", "")).lower() in ("true", "1"):  # as Slack: the locale only when asked
            found["locale"] = user.locale
        return {"ok": True, "user": found}

    def _files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{secrets.token_hex(5).upper()}"
        self._uploads[file_id] = {"params": params, "data": None}
        return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = params.get("channel_id") or ""
        if channel_id and not self._direct(channel_id):  # without one the file stays private to the bot
            self._postable(channel_id, "files.completeUploadExternal")
        files = json.loads(params.get("files") or "[]")
        for item in files:
            upload = self._uploads[item["id"]]
            assert upload["data"] is not None, "completed before the bytes were uploaded"
            self.files[item["id"]] = File(
                id=item["id"],
                name=upload["params"].get("filename", ""),
                title=item.get("title") or "",
                alt_txt=upload["params"].get("alt_txt", ""),
                data=upload["data"],
                channels=[channel_id] if channel_id else [],
                completed_at=self.now(),
                created=int(time.time()),
            )
            if not channel_id:
                continue
            self.posts.append(
                Post(
                    channel=channel_id,
                    thread_ts=params.get("thread_ts"),
                    comment=params.get("initial_comment") or "",
                    title=item.get("title") or "",
                    filename=upload["params"].get("filename", ""),
                    alt_txt=upload["params"].get("alt_txt", ""),
                    data=upload["data"],
                    file_id=item["id"],
                    at=time.time(),
                    team=self.calling_team,
                )
            )
        return {"ok": True, "files": [{"id": item["id"], "title": item.get("title")} for item in files]}

    def _files_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        """files.delete (files:write): the bot deletes a file of its own; `file_not_found` for one that is not."""
        if self.files.pop(params.get("file", ""), None) is None:
            raise SlackError("file_not_found")
        self.deleted.append(params["file"])
        return {"ok": True}

    def _files_info(self, params: dict[str, Any]) -> dict[str, Any]:
        file = self.files.get(params.get("file", ""))
        if file is None:
            raise SlackError("file_not_found")
        return {"ok": True, "file": self._file(file), "comments": [], "response_metadata": {"next_cursor": ""}}

    def _file(self, file: File) -> dict[str, Any]:
        """A file object (docs.slack.dev/reference/objects/file-object); type, size and thumbnails once processed."""
        shared = [self.channels[c] for c in file.channels if c in self.channels]
        shown: dict[str, Any] = {
            "id": file.id,
            "created": file.created,
            "timestamp": file.created,
            "name": file.name,
            "title": file.title,
            "mimetype": "",
            "filetype": "",
            "pretty_type": "",
            "user": BOT_USER,
            "user_team": TEAM,
            "editable": False,
            "size": len(file.data),
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": any(not c.is_private for c in shared),
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": file.url_private,
            "url_private_download": file.url_private.replace("/files-pri/", "/files-pri/download/", 1),
            "permalink": file.permalink,
            "channels": [c.id for c in shared if not c.is_private],
            "groups": [c.id for c in shared if c.is_private],
            "ims": [],
            "comments_count": 0,
            "has_rich_preview": False,
        }
        if file.alt_txt:
            shown["alt_txt"] = file.alt_txt
        if not self.processed(file):
            return shown
        kind = file.image_type
        if not kind:
            return shown | {"mimetype": "application/octet-stream", "filetype": "binary", "pretty_type": "Binary"}
        shown |= {
            "mimetype": f"image/{'jpeg' if kind == 'jpg' else kind}",
            "filetype": kind,
            "pretty_type": kind.upper(),
        }
        if kind == "png":  # the width and height from the PNG header (the bot's charts are PNGs)
            width, height = struct.unpack(">II", file.data[16:24])
            shown |= {"original_w": width, "original_h": height, "image_exif_rotation": 1}
        stem = file.url_private.rsplit(".", 1)[0]
        for size in (64, 80, 160, 360, 480, 720, 800, 960, 1024):
            shown[f"thumb_{size}"] = f"{stem}_{size}.png"
        return shown

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        self._view(params)
        return {"ok": True, "view": {"id": "VHOME"}}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        self._view(params)
        return {"ok": True, "view": {"id": "V0001"}}

    def _view(self, params: dict[str, Any]) -> None:
        """A view as Slack checks it (tests/fakes/blocks.py): `invalid_arguments` with the problems otherwise."""
        view = params.get("view")
        try:
            view = json.loads(view) if isinstance(view, str) else view
        except json.JSONDecodeError:
            raise SlackError("invalid_arguments", response_metadata={"messages": ["view is not JSON"]}) from None
        found = block_kit.view_problems(view)
        if found:
            raise SlackError("invalid_arguments", response_metadata={"messages": found})

    def _conversation(self, channel: Channel, *, with_count: bool = False) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "id": channel.id,
            "name": channel.name,
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_private": channel.is_private,
            "is_archived": channel.is_archived,
            "is_member": channel.is_member,
        }
        if with_count:
            shown["num_members"] = len(channel.members)
        return shown

    def _conversations_join(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._visible(params.get("channel", ""))
        if channel.is_private:
            raise SlackError("method_not_supported_for_channel_type")
        if channel.is_archived:
            raise SlackError("is_archived")
        if channel.is_member:
            warned = {"warning": "already_in_channel", "response_metadata": {"warnings": ["already_in_channel"]}}
            return {"ok": True, "channel": self._conversation(channel), **warned}
        channel.members.append(BOT_USER)
        return {"ok": True, "channel": self._conversation(channel)}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._visible(params.get("channel", ""))
        self._read_scope(channel)
        with_count = str(params.get("include_num_members", "")).lower() in ("true", "1")
        return {"ok": True, "channel": self._conversation(channel, with_count=with_count)}

    def _conversations_members(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._visible(params.get("channel", ""))
        self._read_scope(channel)
        limit = str(params.get("limit") or "100")
        if not (limit.isascii() and limit.isdigit() and 0 < int(limit) < 1000):
            raise SlackError("invalid_limit")
        start = 0
        if params.get("cursor"):  # Slack's cursors are opaque; these name the first member of the next page
            try:
                first = base64.b64decode(params["cursor"], validate=True).decode().removeprefix("user:")
                start = channel.members.index(first)
            except (binascii.Error, UnicodeDecodeError, ValueError):
                raise SlackError("invalid_cursor") from None
        page = channel.members[start : start + int(limit)]
        rest = channel.members[start + int(limit) :]
        next_cursor = base64.b64encode(f"user:{rest[0]}".encode()).decode() if rest else ""
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}

    def _chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable(params.get("channel", ""), "chat.postEphemeral")
        if params.get("user") not in channel.members:
            raise SlackError("user_not_in_channel")
        blocks = self._blocks(params)
        if not params.get("text") and not blocks:
            raise SlackError("no_text")
        ephemeral = Ephemeral(
            channel.id, params["user"], params.get("text") or "", blocks or [], params.get("thread_ts"), self._new_ts()
        )
        self.ephemerals.append(ephemeral)
        return {"ok": True, "message_ts": ephemeral.ts}

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        target = params.get("channel", "")
        # a person's user ID: a direct message from the bot, in its Messages tab
        channel_id = f"D{target[1:]}" if target in self.users else self._postable(target, "chat.postMessage").id
        blocks = self._blocks(params)
        if not params.get("text") and not blocks:
            raise SlackError("no_text")
        # thread_ts is kept as given: the docs do not say what Slack answers for a parent it does not know
        message = Message(channel_id, self._new_ts(), BOT_USER, params.get("text") or "", blocks or [])
        message.thread_ts = params.get("thread_ts") or None
        self._keep(message)
        self._note_images(message)
        return {"ok": True, "channel": channel_id, "ts": message.ts, "message": message.shown()}

    def _chat_getPermalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._visible(params.get("channel", ""))
        ts = str(params.get("message_ts") or "")
        if ts not in self.messages.get(channel.id, {}):
            raise SlackError("message_not_found")
        domain = self.installs.teams[channel.team].domain
        return {"ok": True, "channel": channel.id, "permalink": self.permalink(channel.id, ts, domain)}

    @staticmethod
    def permalink(channel: str, ts: str, domain: str = "acme") -> str:
        """A message's permalink as Slack makes them (`https://acme.slack.com/archives/C…/p<ts without its dot>`)."""
        return f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"

    def chart_messages(self) -> list[Message]:
        """The bot's messages that show a chart: the ServiceWatch image, or the chart Slack's clients draw (a
        message that came first with its numbers counts from then, whether or not its image joined it)."""
        kinds = ("image", "data_visualization")
        return [
            message
            for channel in self.messages.values()
            for message in channel.values()
            if message.user == BOT_USER and any(block["type"] in kinds for block in message.blocks)
        ]

    def _note_images(self, message: Message) -> None:
        """A message's image blocks that show uploaded files are charts people see, as a shared upload is."""
        for block in message.blocks:
            file = self._file_of(block["slack_file"]) if block["type"] == "image" and "slack_file" in block else None
            if file is None:
                continue
            self.posts.append(
                Post(
                    channel=message.channel,
                    thread_ts=message.thread_ts,
                    comment=message.text,
                    title=(block.get("title") or {}).get("text", ""),
                    filename=file.name,
                    alt_txt=block.get("alt_text", ""),
                    data=file.data,
                    file_id=file.id,
                    at=time.time(),
                    team=self.calling_team,
                    ts=message.ts,
                )
            )

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = params.get("channel", "")
        if not (channel_id.startswith("D") and f"U{channel_id[1:]}" in self.users):  # a DM from the bot
            self._visible(channel_id)
        message = self.messages.get(channel_id, {}).get(params.get("ts", ""))
        if message is None:
            raise SlackError("message_not_found")
        if message.user != BOT_USER:
            raise SlackError("cant_update_message")
        blocks = self._blocks(params)
        if blocks is None and not params.get("text"):
            raise SlackError("no_text")
        message.edits.append((message.text, message.blocks))
        # chat.update's reference: blocks left out are kept only when text is left out too; text left out is kept
        message.text = params.get("text") or message.text
        message.blocks = blocks if blocks is not None else []
        self._note_joined(message)
        return {"ok": True, "channel": channel_id, "ts": message.ts, "text": message.text, "message": message.shown()}

    def _note_joined(self, message: Message) -> None:
        """An image that joins a chart message posted without one (it came first with the chart Slack's clients
        draw) makes it a chart people see; a redraw of one already seen is not another."""
        if not any(post.ts == message.ts and post.channel == message.channel for post in self.posts):
            self._note_images(message)

    def _new_ts(self) -> str:
        """A message ts as Slack's ("1503435956.000247"): the time, unique and increasing."""
        self._last_ts = max(self._last_ts + 1, time.time_ns() // 1000)
        return f"{self._last_ts // 10**6}.{self._last_ts % 10**6:06d}"

    def _keep(self, message: Message) -> Message:
        self.messages.setdefault(message.channel, {})[message.ts] = message
        return message

    def _blocks(self, params: dict[str, Any]) -> list[dict[str, Any]] | None:
        """The `blocks` argument checked as Slack checks it, each with a block_id (Slack makes one when it is
        missing); None when there is none."""
        blocks = params.get("blocks")
        if blocks is None or blocks == "":
            return None
        if isinstance(blocks, str):
            try:
                blocks = json.loads(blocks)
            except ValueError:
                raise SlackError("invalid_blocks_format") from None
        if not isinstance(blocks, list):
            raise SlackError("invalid_blocks_format")
        found = block_kit.problems(blocks, self._slack_file_problem, native=self.native_blocks)
        if found:
            raise SlackError(
                "invalid_blocks", errors=found, response_metadata={"messages": [f"[ERROR] {p}" for p in found]}
            )
        return [{"block_id": secrets.token_hex(3), **block} for block in blocks]

    def _slack_file_problem(self, ref: dict[str, Any]) -> str | None:
        """Why an image block may not show this slack_file; None when it may. Every file here is the bot's own, so
        it may show any of them (private ones too) once Slack has processed it: the docs do not word the refusal
        before that, and Slack answers a file it cannot show with "invalid slack file" (python-slack-sdk#1658,
        #1797), so that is the answer until then too (python-slack-sdk#1521: it works about a second later)."""
        file = self._file_of(ref)
        if file is None or not file.image_type or not self.processed(file):
            return "invalid slack file"
        if not file.channels and not self.unshared_in_blocks:
            return "invalid slack file"
        return None

    def _file_of(self, ref: dict[str, Any]) -> File | None:
        """The file a slack_file object names, by `id` or by its `url_private` or `permalink`."""
        if "id" in ref:
            return self.files.get(ref["id"])
        return next((f for f in self.files.values() if ref.get("url") in (f.url_private, f.permalink)), None)

    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        """Slack's authorize page: tests approve with `fake.installs.approve(url, team, redirect)` instead."""
        return web.Response(
            text="Slack's authorize page: approve with fake.installs.approve()", content_type="text/html"
        )

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"]
        if file_id not in self._uploads:
            return web.Response(status=404, text="no such upload")
        self._uploads[file_id]["data"] = await request.read()
        self.calls.append(Call("upload", {"file_id": file_id}, dict(request.headers)))
        return web.Response(text="OK - 1")

    async def _response(self, request: web.Request) -> web.StreamResponse:
        """A response_url: its message's blocks are checked as chat.postMessage checks them (Slack answers a refused
        one with HTTP 400 and the error as text)."""
        if self.response_url_status != 200:
            return web.Response(status=self.response_url_status, text="expired_url")
        body = await request.json()
        try:
            self._blocks(body)
        except SlackError as refused:
            return web.Response(status=400, text=str(refused))
        self.responses.append(body)
        return web.Response(text="ok")

    # Socket Mode ----------------------------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": len(self._sockets), "debug_info": {"host": "fake"}})
        self._socket_ready.set()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                ack = json.loads(message.data)
                future = self.socket_acks.get(ack.get("envelope_id", ""))
                if future is not None and not future.done():
                    future.set_result(ack)
        self._sockets.remove(ws)
        return ws

    async def send_envelope(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0) -> dict[str, Any]:
        """Deliver one payload over the socket, as Slack does, and return the app's acknowledgement."""
        await asyncio.wait_for(self._socket_ready.wait(), 10)
        envelope_id = secrets.token_hex(8)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.socket_acks[envelope_id] = future
        await self._sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": retry_attempt,
                "retry_reason": "timeout" if retry_attempt else "",
            }
        )
        return await asyncio.wait_for(future, 10)


@contextmanager
def fake_slack_in_thread() -> Iterator[FakeSlack]:
    """The fake Slack on its own event loop in a thread, for tests that block on a subprocess; the default
    workspace."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = FakeSlack().default_workspace()
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(10)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
