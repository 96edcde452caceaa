"""Every line of the phrase corpora reads as meant (tests/language/corpus/, CONVENTIONS.md there): the chart its
writer meant, a question where a line is honestly ambiguous, a refusal naming the word that cannot be read.
Lines not read right yet are listed in corpus/misses.txt with what they gave; each must go on missing (strict),
so a line that starts to read right is taken off the list."""

from __future__ import annotations

import pytest

from bench.corpus import CORPUS, judge, load

PHRASES = load()
MISSES = {
    line.split("\t", 1)[0]
    for line in (CORPUS / "misses.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
}


@pytest.mark.parametrize(
    "phrase",
    [
        pytest.param(p, id=p.id, marks=pytest.mark.xfail(strict=True, reason="listed in corpus/misses.txt"))
        if p.id in MISSES
        else pytest.param(p, id=p.id)
        for p in PHRASES
    ],
)
def test_the_line_reads_as_meant(phrase) -> None:  # type: ignore[no-untyped-def]
    verdict = judge(phrase)
    assert verdict.right, f"{phrase.say!r} ({phrase.expects}): {verdict.why}"


def test_the_corpus_is_large_and_in_both_languages() -> None:
    by_language = {language: sum(p.language == language for p in PHRASES) for language in ("en", "ko")}
    assert min(by_language.values()) >= 300, by_language
