"""What can go wrong talking to ServiceWatch, one class per kind, each with a message that says what to do."""

from __future__ import annotations

from typing import Any


class ServiceWatchError(Exception):
    """Base of every ServiceWatch client error."""


class APIConnectionError(ServiceWatchError):
    """ServiceWatch could not be reached, or the connection broke before an answer."""


class APITimeoutError(APIConnectionError):
    """ServiceWatch did not answer in time."""


class InvalidResponseError(ServiceWatchError):
    """ServiceWatch answered 2xx with something that is not what the call returns (e.g. HTML instead of PNG)."""


class APIStatusError(ServiceWatchError):
    """ServiceWatch answered with an error status; `detail` is the server's own explanation."""

    status_code: int = 0
    hint = "Try again in a minute; if it keeps failing, check the ServiceWatch status."

    def __init__(self, *, status_code: int, detail: str, request_id: str | None = None, body: Any = None) -> None:
        self.status_code = status_code
        self.detail = detail
        self.request_id = request_id
        self.body = body
        super().__init__(self._message())

    def _message(self) -> str:
        said = f": {self.detail}" if self.detail else ""
        ref = f" (request id {self.request_id})" if self.request_id else ""
        return f"ServiceWatch answered {self.status_code}{said}{ref}. {self.hint}"


class BadRequestError(APIStatusError):
    """400: the request names something that does not exist or breaks a rule of the API."""

    hint = "Check the namespace, metric, dimensions, window and size of the chart."


class AuthenticationError(APIStatusError):
    """401: the signature or the keys were refused."""

    hint = (
        "The signature or the access keys are wrong: check SCP_ACCESS_KEY and SCP_SECRET_KEY (and SCP_ACCOUNT_ID "
        "if set), and that this machine's clock is in sync."
    )


class PermissionDeniedError(APIStatusError):
    """403: the keys are valid but lack permission for ServiceWatch."""

    hint = "The SCP keys work but may not read ServiceWatch: ask an SCP admin to grant ServiceWatch read permission."


class NotFoundError(APIStatusError):
    """404: the endpoint or resource does not exist."""

    hint = "Check SERVICEWATCH_ENDPOINT / SCP_REGION / SCP_ENVIRONMENT and SERVICEWATCH_API_VERSION."


class RateLimitError(APIStatusError):
    """429: too many calls; `retry_after` is the server's wait in seconds, when it said one."""

    hint = "ServiceWatch is limiting calls; wait a little and try again."

    def __init__(self, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(**kwargs)


class ServerError(APIStatusError):
    """5xx: ServiceWatch failed on its side."""

    hint = "ServiceWatch failed on its side; try again in a minute."


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
