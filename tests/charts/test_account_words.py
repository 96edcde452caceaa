"""The SCP account words, English and Korean: `account NAME` (`계정 NAME`) on a chart line, `accounts` (`계정 목록`) and
`use NAME` (`계정 사용 NAME`); both languages read the same."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UserError
from bot.language.parse import ChartUsageError, check_saved_name, parse_chart, parse_request
from bot.language.spec import AccountsRequest, ChartRequest, ChartSpec, MetricRef, SaveRequest, UseAccountRequest

names = st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,39}", fullmatch=True)
charts = st.sampled_from(["lag", "cpu web-01 last 3h", '"CPU Usage/Core[Basic]" stat max', "lag 지난 3시간 최대"])
account_words = st.sampled_from(["account", "Account", "계정"])


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("accounts", AccountsRequest()),
        ("계정 목록", AccountsRequest()),
        ("계정목록", AccountsRequest()),
        ("use prod", UseAccountRequest("prod")),
        ("USE Prod", UseAccountRequest("prod")),
        ("계정 사용 prod", UseAccountRequest("prod")),
        ("계정사용 staging", UseAccountRequest("staging")),
    ],
)
def test_account_commands(text: str, wanted: object) -> None:
    assert parse_request(text) == wanted


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("use", "`use` takes one account's name"),
        ("계정 사용", "`계정 사용` takes one account's name"),
        ("use prod staging", "takes one account's name"),
        ("use <#C1|ops>", "takes one account's name"),
        ("use no/way", "cannot be an account's name"),
        ("accounts prod", "`accounts` takes nothing after it"),
        ("lag account", "`account` needs a value, e.g. account prod"),
        ("lag 계정", "`계정` needs a value"),
        ("lag account prod account staging", "`account` is given twice"),
        ("lag account -x", "cannot be an account's name"),
    ],
)
def test_account_refusals(text: str, refusal: str) -> None:
    with pytest.raises(ChartUsageError, match=refusal):
        parse_request(text)


@given(charts, account_words, names, st.booleans())
def test_a_lines_account_changes_nothing_else(chart: str, word: str, name: str, equals: bool) -> None:
    """`account NAME` (or `계정 NAME`, `account=NAME`), anywhere after the chart's words, names the account and leaves
    every other part of the chart as it was."""
    named = f"{chart} {word}={name}" if equals else f"{chart} {word} {name}"
    spec = parse_chart(named)
    assert spec.account == name
    assert dataclasses.replace(spec, account=None) == parse_chart(chart)


@given(names)
def test_use_reads_the_same_in_both_languages(name: str) -> None:
    assert parse_request(f"use {name}") == parse_request(f"계정 사용 {name}") == UseAccountRequest(name)


@given(charts, names)
def test_a_saved_chart_keeps_its_account_and_an_override_wins(chart: str, name: str) -> None:
    saved = parse_request(f"save x {chart} account {name}")
    assert isinstance(saved, SaveRequest)
    assert saved.spec.account == name
    assert parse_chart(saved.text).account == name  # the saved text is what runs later
    override = ChartSpec(metrics=(), account="other")
    assert override.over(saved.spec).account == "other"
    assert ChartSpec(metrics=()).over(saved.spec).account == name


def test_the_account_words_cannot_name_a_saved_chart() -> None:
    for word in ("account", "accounts", "use"):
        with pytest.raises(UserError, match="is a word of the chart language"):
            check_saved_name(word)


def test_a_metric_line_is_not_an_account_command() -> None:
    request = parse_request("lag account prod")
    assert isinstance(request, ChartRequest)
    assert request.spec.metrics == (MetricRef(name="lag"),)
