"""``find``: ranked, filtered catalog search with clear errors."""

from __future__ import annotations

import pytest

from commands.errors import CommandError
from commands.find import MAX_PAGE_SIZE, find
from commands.services import Discovery


def test_filters_narrow_by_kind(discovery: Discovery) -> None:
    answer = find(discovery, "kind:api payments")
    assert answer.hits
    assert {hit.kind for hit in answer.hits} == {"API"}
    assert answer.hits[0].name == "payments-api"
    assert answer.hits[0].matches


def test_pages_follow_each_other(discovery: Discovery) -> None:
    everything = find(discovery, "kind:component", limit=MAX_PAGE_SIZE)
    first = find(discovery, "kind:component", limit=2)
    second = find(discovery, "kind:component", limit=2, offset=2)
    assert first.total == everything.total > 2
    assert first.has_more
    assert [h.entity_ref for h in first.hits + second.hits] == [
        h.entity_ref for h in everything.hits[:4]
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_query_says_what_to_type(discovery: Discovery, text: str) -> None:
    with pytest.raises(CommandError, match="find kind:api"):
        find(discovery, text)


def test_an_unknown_filter_lists_the_valid_ones(discovery: Discovery) -> None:
    with pytest.raises(CommandError) as caught:
        find(discovery, "colour:blue payments")
    assert "colour" in caught.value.message
    assert "kind" in caught.value.message and "owner" in caught.value.message


def test_a_huge_query_is_cut_and_answered(discovery: Discovery) -> None:
    answer = find(discovery, "payments " * 2_000)
    assert len(answer.query) <= 500
    assert answer.hits


@pytest.mark.parametrize("text", ["!!! ??? ...", "🔥🔥", ".*[(+"])
def test_a_query_without_words_says_what_to_type(discovery: Discovery, text: str) -> None:
    with pytest.raises(CommandError, match="no letters or digits"):
        find(discovery, text)
