"""Where ServiceWatch lives: regions per SCP environment and the base URL pattern."""

from __future__ import annotations

REGIONS_BY_ENVIRONMENT: dict[str, tuple[str, ...]] = {
    "s": ("kr-west1", "kr-east1"),
    "g": ("kr-south1", "kr-south2", "kr-south3"),
    "e": ("kr-west1", "kr-east1"),
}

API_VERSIONS = ("1.0", "1.1", "1.2")
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
