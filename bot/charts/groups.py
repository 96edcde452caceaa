"""Words that name a kind of resource rather than one: `servers`, `all lbs`, `DB`, `서버`, and a name before them
(`web 서버` is the servers whose names start with web). The kinds are read off the catalog's namespaces, so a
namespace ServiceWatch adds is found by its own words."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.language.lexicon import GROUP_WORDS
from bot.language.spec import MetricRef
from bot.servicewatch.catalog import Catalog

_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Group:
    """What a line's group words say: the namespace meant, and the name prefixes said before the group word."""

    namespaces: frozenset[str]
    prefixes: tuple[tuple[str, frozenset[str]], ...]  # (the word as typed, the resource names it starts)


def namespaces_meant(meaning: str, catalog: Catalog) -> frozenset[str]:
    """The namespaces a group meaning (`server`, `lb`, `db`) names: by a word of the namespace, a word it starts,
    or its initials (`Load Balancer` is lb)."""
    found = set()
    for namespace in catalog.namespaces:
        words = _WORD.findall(namespace.lower())
        initials = "".join(word[0] for word in words)
        if meaning in words or meaning == initials or any(word.startswith(meaning) for word in words):
            found.add(namespace)
    return frozenset(found)


def taken(ref: MetricRef, catalog: Catalog) -> tuple[MetricRef, Group]:
    """`ref` without its group words (and the name prefixes said before them), and what they named."""
    words = ref.name.split()
    kept: list[str] = []
    namespaces: set[str] = set()
    prefixes: list[tuple[str, frozenset[str]]] = []
    for word in words:
        meaning = GROUP_WORDS.get(word.lower())
        named = namespaces_meant(meaning, catalog) if meaning else frozenset()
        if len(named) != 1:
            kept.append(word)
            continue
        namespaces |= named
        if kept and (names := _prefixed(kept[-1], next(iter(named)), catalog)):
            prefixes.append((kept.pop(), names))
    return replace(ref, name=" ".join(kept)), Group(frozenset(namespaces), tuple(prefixes))


def _prefixed(word: str, namespace: str, catalog: Catalog) -> frozenset[str]:
    """The names of `namespace`'s resources that `word` starts (`web` → web-01, web-02), when it is no whole name."""
    low = word.lower()
    names = {r.name.lower() for m in catalog.in_namespace(namespace) for r in m.resources if r.name}
    if low in names or len(low) < 2:
        return frozenset()
    return frozenset(name for name in names if name.startswith(low))
