"""Request bodies checked against JSON Schemas kept as data (`schemas/*.json`), written from the API reference
rather than from the bot's models, so a drift in `bot/servicewatch/models.py` is caught here, not mirrored."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMAS = Path(__file__).resolve().parent / "schemas"


@cache
def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def body_problems(schema: str, body: Any) -> list[str]:
    """Every way `body` breaks the schema `schema` (a file name without `.json`), worded as ServiceWatch words
    them: a missing field is "Field required", as in the 400 seen live; anything else names where it is."""
    problems: list[str] = []
    for error in sorted(_validator(schema).iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path]):
        if error.validator == "required" and isinstance(error.instance, dict):
            problems.extend("Field required" for field in error.validator_value if field not in error.instance)
            continue
        where = ".".join(str(part) for part in error.absolute_path) or "body"
        problems.append(f"{where}: {error.message}")
    return problems
