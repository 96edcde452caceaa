"""SCP accounts as ServiceWatch sees them: an account's keys and where its ServiceWatch lives, one client (and what is
built on it: catalog cache, coalescing, charts) per account, and the one signed call that tells whether keys work.

Knows HTTP and SCP only; what is built on each client is given by the caller."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.errors import UserError
from bot.i18n import _
from bot.servicewatch.auth import ServiceWatchAuth
from bot.servicewatch.client import ServiceWatchClient
from bot.servicewatch.endpoints import DEFAULT_API_VERSION, servicewatch_base_url
from bot.servicewatch.images import MAX_IMAGE_BYTES
from bot.servicewatch.models import MetricSearchRequest
from bot.servicewatch.reading import MAX_ANSWER_BYTES

S = TypeVar("S")
ACCOUNT_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")


def check_account_name(name: str) -> str:
    """An account's name, lower-cased; UserError saying what names look like."""
    lowered = name.strip().lower()
    if not ACCOUNT_NAME.match(lowered):
        raise UserError(
            _(
                "“{name}” cannot be an account's name: use 1–40 letters, digits, `-`, `_` or `.`, starting with a "
                "letter or digit, e.g. prod."
            ).format(name=name[:40])
        )
    return lowered


@dataclass(frozen=True)
class Account:
    """One SCP account: its keys, region and environment; `endpoint` replaces the regional URL (a proxy, the
    sandbox). The secret key is never shown (not in repr)."""

    name: str
    access_key: str
    secret_key: str = field(repr=False)
    region: str
    environment: str
    account_id: str = ""
    endpoint: str | None = None

    @property
    def base_url(self) -> str:
        """Where its ServiceWatch answers: the endpoint when set, else the region's (ValueError for an unknown pair)."""
        return self.endpoint or servicewatch_base_url(self.region, self.environment)

    @property
    def key_tail(self) -> str:
        """The access key's last four characters: all that is ever shown of the keys."""
        return self.access_key[-4:]

    def fingerprint(self) -> str:
        """Changes whenever anything a client is built from changes (the secret only as a hash)."""
        parts = (self.access_key, self.secret_key, self.region, self.environment, self.account_id, self.endpoint or "")
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class ClientOptions:
    """How every account's client talks to ServiceWatch (the SERVICEWATCH_* settings)."""

    api_version: str = DEFAULT_API_VERSION
    timeout: float = 30.0
    max_retries: int = 2
    catalog_ttl: float = 900.0
    max_answer_bytes: int = MAX_ANSWER_BYTES
    max_image_bytes: int = MAX_IMAGE_BYTES


def account_client(account: Account, options: ClientOptions, *, max_retries: int | None = None) -> ServiceWatchClient:
    """A client signed with `account`'s keys, at its base URL."""
    return ServiceWatchClient(
        account.base_url,
        ServiceWatchAuth(account.access_key, account.secret_key, account_id=account.account_id),
        api_version=options.api_version,
        timeout=options.timeout,
        max_retries=options.max_retries if max_retries is None else max_retries,
        catalog_ttl=options.catalog_ttl,
        max_answer_bytes=options.max_answer_bytes,
        max_image_bytes=options.max_image_bytes,
    )


async def validate(account: Account, options: ClientOptions) -> None:
    """One signed ListMetricInfos call with `account`'s keys, not retried: returns when ServiceWatch accepts them;
    raises its ServiceWatchError (ServiceWatch's reason and request id; never the keys) when it does not, and
    ValueError when the region and environment name no ServiceWatch."""
    async with account_client(account, options, max_retries=0) as client:
        await client.list_metric_infos(MetricSearchRequest())


@dataclass
class _Built(Generic[S]):
    fingerprint: str
    client: ServiceWatchClient
    built: S


class AccountRegistry(Generic[S]):
    """One client per (workspace, account) and what `build` makes on it (so catalog caches and coalescing are per
    account), made on first use, rebuilt when the account changed, closed when removed or at shutdown."""

    def __init__(self, options: ClientOptions, build: Callable[[ServiceWatchClient], S]) -> None:
        self.options = options
        self._build = build
        self._built: dict[tuple[str, str], _Built[S]] = {}
        self._retired: list[ServiceWatchClient] = []  # replaced clients: a chart may still be drawing on one

    def get(self, workspace: str, account: Account) -> S:
        """What is built on `account`'s client, made now when it is new or its keys or endpoint changed."""
        key = (workspace, account.name)
        held = self._built.get(key)
        fingerprint = account.fingerprint()
        if held is not None and held.fingerprint == fingerprint:
            return held.built
        if held is not None:
            self._retired.append(held.client)
        client = account_client(account, self.options)
        held = _Built(fingerprint, client, self._build(client))
        self._built[key] = held
        return held.built

    def client(self, workspace: str, name: str) -> ServiceWatchClient | None:
        """The client held for an account, if one was built."""
        held = self._built.get((workspace, name))
        return held.client if held is not None else None

    def evict(self, workspace: str, name: str) -> None:
        """Forget an account's client (removed or changed); it is closed at `aclose`, as a chart may be drawing."""
        held = self._built.pop((workspace, name), None)
        if held is not None:
            self._retired.append(held.client)

    async def aclose(self) -> None:
        """Close every client, the retired ones too."""
        clients = [held.client for held in self._built.values()] + self._retired
        self._built.clear()
        self._retired.clear()
        for client in clients:
            await client.aclose()
