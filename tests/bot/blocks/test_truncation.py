"""Cutting text as Slack counts, without breaking entities, tokens or words."""

from __future__ import annotations

import re

import pytest

from bot.blocks.truncation import (
    ELLIPSIS,
    cut_words,
    join_within,
    lines_within,
    slack_len,
    truncate,
)


def test_characters_outside_the_bmp_count_two() -> None:
    assert slack_len("abc") == 3
    assert slack_len("\U0001f680") == 2
    assert slack_len("é") == 1


def test_short_text_is_left_alone() -> None:
    assert truncate("payments", 8) == "payments"


@pytest.mark.parametrize("limit", [1, 2, 5, 75, 150, 3000])
def test_cut_text_fits_and_ends_with_an_ellipsis(limit: int) -> None:
    cut = truncate("word " * 2000, limit)
    assert slack_len(cut) <= limit
    assert cut.endswith(ELLIPSIS)


def test_emoji_are_never_split_and_counted_as_two() -> None:
    cut = truncate("\U0001f680" * 100, 75)
    assert slack_len(cut) <= 75
    assert cut == "\U0001f680" * 37 + ELLIPSIS


@pytest.mark.parametrize("limit", range(1, 30))
def test_entities_and_tokens_are_never_cut_in_half(limit: int) -> None:
    text = "a &amp; b <@U0ALICE> c &lt;d&gt; <!date^1^{date}|2024-01-01>"
    cut = truncate(text, limit)
    body = cut.removesuffix(ELLIPSIS)
    assert slack_len(cut) <= limit
    assert text.startswith(body)
    assert body.count("<") == body.count(">")
    assert "&" not in re.sub(r"&(?:amp|lt|gt);", "", body)


def test_cut_words_stops_at_a_blank_without_ellipsis() -> None:
    assert cut_words("whois payment service", 15) == "whois payment"
    assert cut_words("x" * 50, 10) == "x" * 10


def test_join_within_says_how_many_were_left_out() -> None:
    names = [f"name-{i}" for i in range(1000)]
    joined = join_within(names, 100)
    assert slack_len(joined) <= 100
    assert joined.startswith("name-0, name-1")
    shown = joined.split(" and ")[0].count(",") + 1
    assert joined.endswith(f" and {1000 - shown} more")


def test_join_within_counts_beyond_the_items_given() -> None:
    assert join_within(["a", "b"], 100, total=10) == "a, b and 8 more"
    assert join_within(["a", "b"], 100) == "a, b"


def test_a_first_item_too_long_is_cut_itself() -> None:
    joined = join_within(["x" * 500, "y"], 50)
    assert slack_len(joined) <= 50
    assert joined.endswith(" and 1 more")


def test_lines_within_keeps_whole_lines() -> None:
    text = lines_within([f"line {i}" for i in range(100)], 60)
    assert slack_len(text) <= 60
    assert text.splitlines()[0] == "line 0"
    assert text.splitlines()[-1].startswith(ELLIPSIS + " and ")
