"""What can go wrong talking to ServiceWatch, one class per kind, each with a message that says what to do."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.i18n import _


class ServiceWatchError(Exception):
    """Base of every ServiceWatch client error."""


class APIConnectionError(ServiceWatchError):
    """ServiceWatch could not be reached, or the connection broke before an answer."""


class APITimeoutError(APIConnectionError):
    """ServiceWatch did not answer in time."""


class InvalidResponseError(ServiceWatchError):
    """ServiceWatch answered 2xx with something that is not what the call returns (e.g. HTML instead of PNG)."""


class AnswerTooLargeError(InvalidResponseError):
    """ServiceWatch's answer to `call` runs past the `limit` bytes the client reads (decoded bytes, when compressed);
    `size` is the length it announced, when it did. The message names the limit and what to ask instead (`hint`)."""

    def __init__(self, call: str, limit: int, hint: str, size: int | None = None) -> None:
        self.call, self.limit, self.size = call, limit, size
        announced = _(" (it announced {size})").format(size=format_size(size)) if size is not None else ""
        super().__init__(
            _("ServiceWatch sent an answer larger than {limit} for {call}{announced}; {hint}").format(
                limit=format_size(limit), call=call, announced=announced, hint=hint
            )
        )


class BrokenImageError(InvalidResponseError):
    """ServiceWatch's chart image does not decode, or decodes to more pixels than a chart has: never posted."""


class APIStatusError(ServiceWatchError):
    """ServiceWatch answered with an error status; `detail` is the server's own explanation, `code` its error code
    (e.g. ValidationError), and the request ids are what SCP support asks for."""

    status_code: int = 0

    @staticmethod
    def default_hint() -> str:
        """What to do about this kind of error, in the language of the work under way."""
        return _("Try again in a minute; if it keeps failing, check the ServiceWatch status.")

    def __init__(
        self,
        *,
        status_code: int,
        detail: str,
        request_id: str | None = None,
        body: Any = None,
        code: str | None = None,
        global_request_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.detail = detail
        self.request_id = request_id
        self.body = body
        self.code = code
        self.global_request_id = global_request_id
        self.hint = hint or self.default_hint()
        super().__init__(self._message())

    def _message(self) -> str:
        code = f" {self.code}" if self.code else ""
        said = f": {self.detail}" if self.detail else ""
        ref = _(" (request id {request_id})").format(request_id=self.request_id) if self.request_id else ""
        return _("ServiceWatch answered {status}{code}{said}{ref}. {hint}").format(
            status=self.status_code, code=code, said=said, ref=ref, hint=self.hint
        )


class BadRequestError(APIStatusError):
    """400: the request names something that does not exist or breaks a rule of the API."""

    @staticmethod
    def default_hint() -> str:
        return _("Check the namespace, metric, dimensions, window and size of the chart.")


class AuthenticationError(APIStatusError):
    """401: the signature or the keys were refused."""

    @staticmethod
    def default_hint() -> str:
        return _(
            "The signature or the access keys are wrong: check SCP_ACCESS_KEY and SCP_SECRET_KEY (and SCP_ACCOUNT_ID "
            "if set), and that this machine's clock is in sync."
        )


class PermissionDeniedError(APIStatusError):
    """403: the keys are valid but lack permission for ServiceWatch."""

    @staticmethod
    def default_hint() -> str:
        return _(
            "The SCP keys work but may not read ServiceWatch: ask an SCP admin to grant ServiceWatch read permission."
        )


class NotFoundError(APIStatusError):
    """404: the endpoint or resource does not exist."""

    @staticmethod
    def default_hint() -> str:
        return _("Check SERVICEWATCH_ENDPOINT / SCP_REGION / SCP_ENVIRONMENT and SERVICEWATCH_API_VERSION.")


class RateLimitError(APIStatusError):
    """429: too many calls; `retry_after` is the server's wait in seconds, when it said one."""

    @staticmethod
    def default_hint() -> str:
        return _("ServiceWatch is limiting calls; wait a little and try again.")

    def __init__(self, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(**kwargs)


class ServerError(APIStatusError):
    """5xx: ServiceWatch failed on its side."""

    @staticmethod
    def default_hint() -> str:
        return _("ServiceWatch failed on its side; try again in a minute.")


def format_size(size: int) -> str:
    """`8 MB`, `512 KB`, `1,234 bytes`: a byte count as people read it (MB and KB of 1,024)."""
    for unit, name in ((1024 * 1024, "MB"), (1024, "KB")):
        if size >= unit:
            return f"{size / unit:,.1f}".removesuffix(".0") + f" {name}"
    return _("{count} bytes").format(count=f"{size:,}")


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The error class for an HTTP error status."""
    if status_code >= 500:
        return ServerError
    return _BY_STATUS.get(status_code, APIStatusError)


@dataclass(frozen=True)
class ErrorBody:
    """What an error answer says, read from whatever shape it came in."""

    detail: str = ""
    code: str | None = None
    request_id: str | None = None
    global_request_id: str | None = None
    parsed: Any = None


def read_error_body(content: bytes, content_type: str = "") -> ErrorBody:
    """Read an error answer. ServiceWatch's shape (seen live) is `{"errors": [{"code", "title", "detail": str or
    list, "status", "request_id", "global_request_id"}]}`; other shapes (`{"message": …}`, a proxy's HTML page,
    plain text, nothing) still give a readable detail."""
    try:
        parsed: Any = json.loads(content) if content.strip() else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return ErrorBody(detail=_describe_text(content, content_type))
    if not isinstance(parsed, dict):
        return ErrorBody(detail=_compact(parsed) if parsed is not None else "", parsed=parsed)
    details: list[str] = []
    found: dict[str, str] = {}
    errors = parsed.get("errors")
    for item in errors if isinstance(errors, list) else []:
        if not isinstance(item, dict):
            continue
        details.extend(_details(item.get("detail") or item.get("message")))
        for key in ("code", "title", "request_id", "global_request_id"):
            value = item.get(key)
            if isinstance(value, str | int) and str(value) and key not in found:
                found[key] = str(value)
    if not details:
        for key in ("message", "detail"):
            details.extend(_details(parsed.get(key)))
    for key in ("code", "request_id", "global_request_id"):
        value = parsed.get(key)
        if isinstance(value, str | int) and str(value) and key not in found:
            found[key] = str(value)
    code = found.get("code") or found.get("title")
    if not details and errors is not None and not isinstance(errors, list):
        details = _details(errors)
    return ErrorBody(
        detail="; ".join(details)[:500],
        code=code,
        request_id=found.get("request_id"),
        global_request_id=found.get("global_request_id"),
        parsed=parsed,
    )


def _details(value: Any) -> list[str]:
    """A `detail` as ServiceWatch writes it: a string, a list of strings, or (unexpectedly) anything else."""
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item if isinstance(item, str) else _compact(item) for item in value if item not in (None, "")]
    return [_compact(value)]


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))[:200]


def _describe_text(content: bytes, content_type: str) -> str:
    text = content[:2048].decode("utf-8", errors="replace").strip()
    if "<html" in text.lower()[:300] or text.lower().startswith("<!doctype html"):
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        if title:
            return _(
                "an HTML page titled {title} instead of ServiceWatch's error (a proxy or login page may be in the way)"
            ).format(title=repr(title.group(1).strip()[:80]))
        return _("an HTML page instead of ServiceWatch's error (a proxy or login page may be in the way)")
    kind = content_type.split(";")[0].strip() or _("a body")
    return _("{kind} that is not JSON: {text}").format(kind=kind, text=" ".join(text.split())[:200])
