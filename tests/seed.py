"""The API document's example request bodies, read from the seed text itself."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "DownloadMetricDataImage.txt"
LOCAL_SEED = Path(__file__).resolve().parent / "data" / "DownloadMetricDataImage.txt"


def seed_text() -> str:
    """The seed document: the shared copy when it sits beside the project, else the project's own copy."""
    return (SHARED_SEED if SHARED_SEED.exists() else LOCAL_SEED).read_text(encoding="utf-8")


def seed_bodies() -> dict[str, tuple[str, dict[str, Any]]]:
    """Version → (the body's exact text, the parsed body), for versions 1.1 and 1.0."""
    text = seed_text()
    bodies: dict[str, tuple[str, dict[str, Any]]] = {}
    for section in re.split(r"^\d+ - ", text, flags=re.MULTILINE)[1:]:
        version = section.split("\n", 1)[0].strip()
        match = re.search(r"Request body\s*\n\s*\n(\{.*?\n\})", section, re.DOTALL)
        assert match, f"no request body in the seed's {version} section"
        bodies[version] = (match.group(1), json.loads(match.group(1)))
    return bodies
