"""The app's Slack Web API client: its base URL and its retry handlers, configured once."""

from __future__ import annotations

from aiohttp import ClientSession
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.pacing import UploadPacer

# Calls that post something: after a broken connection or a 5xx Slack may have done them already, and a retry
# would post twice. 429 is always safe to retry (Slack did nothing).
POSTING_METHODS = ("files.completeUploadExternal", "chat.postMessage")
UPLOAD_METHODS = ("files.getUploadURLExternal", "files.completeUploadExternal")


class _NeverRepost(AsyncRetryHandler):
    """Declines to retry the calls that post; everything else is up to the handler it is mixed into."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if request.url.rstrip("/").endswith(POSTING_METHODS):
            return False
        return await super()._can_retry_async(state=state, request=request, response=response, error=error)


class _ConnectionRetry(_NeverRepost, AsyncConnectionErrorRetryHandler):
    pass


class _ServerErrorRetry(_NeverRepost, AsyncServerErrorRetryHandler):
    pass


class _PacedRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """Waits out Retry-After and tries again; a 429 on an upload method also holds every other upload."""

    def __init__(self, pacer: UploadPacer | None, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._pacer = pacer

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if self._pacer is not None and response is not None and request.url.rstrip("/").endswith(UPLOAD_METHODS):
            retry_after = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), ["1"])
            await self._pacer.hold(
                float(retry_after[0]) if retry_after and retry_after[0].isascii() and retry_after[0].isdigit() else 1.0
            )
        await super().prepare_for_next_attempt_async(state=state, request=request, response=response, error=error)


def retry_handlers(pacer: UploadPacer | None = None) -> list[AsyncRetryHandler]:
    """Connection errors and 5xx twice (never for posting calls), 429 three times after Retry-After."""
    return [
        _ConnectionRetry(max_retry_count=2),
        _ServerErrorRetry(max_retry_count=2),
        _PacedRateLimitRetry(pacer, max_retry_count=3),
    ]


def slack_client(
    token: str | None,
    base_url: str,
    *,
    timeout: int = 30,
    pacer: UploadPacer | None = None,
    session: ClientSession | None = None,
) -> AsyncWebClient:
    """A client with the app's base URL, timeout, retry handlers and (shared) session. Bolt copies these from the
    client it is given to every request's client (with the token its authorize step found)."""
    return AsyncWebClient(
        token=token, base_url=base_url, timeout=timeout, retry_handlers=retry_handlers(pacer), session=session
    )
