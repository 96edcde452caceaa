"""ServiceWatch over HTTP: signing, models, the client and its errors. Knows nothing of Slack."""

from bot.servicewatch.auth import ServiceWatchAuth, sign
from bot.servicewatch.catalog import Catalog, CatalogAlert, CatalogMetric, CatalogResource
from bot.servicewatch.client import ServiceWatchClient
from bot.servicewatch.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ServiceWatchError,
)
from bot.servicewatch.images import ChartImage

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "Catalog",
    "CatalogAlert",
    "CatalogMetric",
    "CatalogResource",
    "ChartImage",
    "InvalidResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "ServiceWatchAuth",
    "ServiceWatchClient",
    "ServiceWatchError",
    "sign",
]
