"""Words as typed: quotes, Slack's escapes and entities, and shell words re-joined."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UserError
from bot.language.tokens import Kind, Token, clean, join_words, tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cpu last 3h", [Token("cpu"), Token("last"), Token("3h")]),
        ('"CPU Usage/Core[Basic]" 3h', [Token("CPU Usage/Core[Basic]", quoted=True), Token("3h")]),
        ("'CPU Usage' 3h", [Token("CPU Usage", quoted=True), Token("3h")]),
        ("\u201cCPU Usage\u201d 3h", [Token("CPU Usage", quoted=True), Token("3h")]),
        ("\u2018CPU Usage\u2019", [Token("CPU Usage", quoted=True)]),
        ("\u201dCPU Usage\u201d", [Token("CPU Usage", quoted=True)]),  # iOS sometimes sends two closing quotes
        ('title="Web CPU"', [Token('title="Web'), Token('CPU"')]),
        ("don't stop", [Token("don't"), Token("stop")]),
        ("a &amp; b &lt;x&gt;", [Token("a"), Token("&"), Token("b"), Token("<x>")]),
        ("<#C0123|ops> x", [Token("C0123", kind=Kind.CHANNEL, label="ops"), Token("x")]),
        ("<@U0456|kim>", [Token("U0456", kind=Kind.USER, label="kim")]),
        ("<@U0456>", [Token("U0456", kind=Kind.USER)]),
        (
            "thread <https://x.slack.com/archives/C1/p1|link>",
            [Token("thread"), Token("https://x.slack.com/archives/C1/p1", kind=Kind.LINK, label="link")],
        ),
        ("<!here>", [Token("!here")]),
        ("   ", []),
    ],
)
def test_tokenize(text: str, expected: list[Token]) -> None:
    assert tokenize(text) == expected


def test_an_unclosed_quote_is_named() -> None:
    with pytest.raises(UserError, match=r"The quote \" before “CPU Usage 3h” is never closed"):
        tokenize('"CPU Usage 3h')


def test_tokens_remember_where_they_start() -> None:
    assert [t.start for t in tokenize('save  web "a b" 3h')] == [0, 6, 10, 16]


@pytest.mark.parametrize(
    ("words", "line"),
    [
        (["Virtual Server:CPU Usage/Core[Basic]", "last", "3h"], '"Virtual Server:CPU Usage/Core[Basic]" last 3h'),
        (['say "hi" now'], "'say \"hi\" now'"),
        (['"already quoted"', "3h"], '"already quoted" 3h'),
        (["-3h"], "-3h"),
    ],
)
def test_join_words(words: list[str], line: str) -> None:
    assert join_words(words) == line


words = st.lists(
    st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\"'<>&\u201c\u201d\u2018\u2019")),
    max_size=6,
)


@given(words)
def test_each_shell_word_is_one_chat_word(items: list[str]) -> None:
    assert [t.text for t in tokenize(join_words(items))] == [clean(item) for item in items]
