"""Where ServiceWatch lives: regions per SCP environment and the base URL pattern."""

from __future__ import annotations

import re

REGIONS_BY_ENVIRONMENT: dict[str, tuple[str, ...]] = {
    "s": ("kr-west1", "kr-east1"),
    "g": ("kr-south1", "kr-south2", "kr-south3"),
    "e": ("kr-west1", "kr-east1"),
}

# The versions of the ServiceWatch API reference (2026-11): 1.2 CURRENT, 1.1 SUPPORTED, 1.0 DEPRECATED. A later 1.N
# is accepted and sent with the 1.2 body: Samsung's own provider calls 1.5 with the same metric schemas.
KNOWN_API_VERSIONS = ("1.0", "1.1", "1.2")
DEFAULT_API_VERSION = "1.2"
_API_VERSION = re.compile(r"1\.(0|[1-9][0-9]{0,2})")
LANGUAGES = ("en-US", "ko-KR")


def region_problem(region: str, environment: str) -> str | None:
    """Say what is wrong with a region/environment pair, or None when SCP has it."""
    if environment not in REGIONS_BY_ENVIRONMENT:
        known = ", ".join(sorted(REGIONS_BY_ENVIRONMENT))
        return f"SCP_ENVIRONMENT={environment!r} is not an SCP environment; use one of {known}"
    regions = REGIONS_BY_ENVIRONMENT[environment]
    if region not in regions:
        return (
            f"SCP_REGION={region!r} does not exist in SCP_ENVIRONMENT={environment!r}; "
            f"regions there: {', '.join(regions)} (or set SERVICEWATCH_ENDPOINT to the full base URL)"
        )
    return None


def servicewatch_base_url(region: str, environment: str) -> str:
    """The regional ServiceWatch base URL, e.g. `https://servicewatch.kr-west1.e.samsungsdscloud.com`."""
    problem = region_problem(region, environment)
    if problem:
        raise ValueError(problem)
    return f"https://servicewatch.{region}.{environment}.samsungsdscloud.com"


def api_version_problem(value: str) -> str | None:
    """Say what is wrong with a SERVICEWATCH_API_VERSION value, or None when it is a version (1.0, 1.1, 1.2, 1.N)."""
    if _API_VERSION.fullmatch(value):
        return None
    return (
        f"{value!r} is not a ServiceWatch API version: write it as the API reference lists it, e.g. "
        f"{DEFAULT_API_VERSION} (known: {', '.join(KNOWN_API_VERSIONS)}; a later 1.N is sent with the "
        f"{KNOWN_API_VERSIONS[-1]} body)"
    )


def is_newer_than_known(version: str) -> bool:
    """A version after the ones this bot was written against (sent with the newest known body)."""
    return _minor(version) > _minor(KNOWN_API_VERSIONS[-1])


def body_version(version: str) -> str:
    """The known version whose request bodies `version` uses: itself, or the newest known for a later 1.N."""
    return KNOWN_API_VERSIONS[-1] if is_newer_than_known(version) else version


def version_at_least(version: str, since: str) -> str:
    """The version to send for a call that exists from `since` on: `version` when it is that or later, else `since`
    (e.g. ShowAlert, new in 1.2, is sent as 1.2 by a client set to 1.0 or 1.1)."""
    return version if _minor(version) >= _minor(since) else since


def versions_to_try(refused: str) -> list[str]:
    """When ServiceWatch refuses `refused`: the versions it is likeliest to take, newest first."""
    return [v for v in reversed(KNOWN_API_VERSIONS) if v != refused and v != "1.0"]


def _minor(version: str) -> int:
    return int(version.split(".", 1)[1])
