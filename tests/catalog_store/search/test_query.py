"""The query language: words, filters, quoting, repeated keys, and the errors and caps
that keep bad input cheap and clear."""

from __future__ import annotations

import time

import pytest

from catalog_store.search import (
    FILTER_KEYS,
    FilterClause,
    ParsedQuery,
    QueryError,
    SearchIndex,
    parse_query,
)
from catalog_store.search.query import MAX_QUERY_CHARS, MAX_TERMS


def test_words_and_filters() -> None:
    parsed = parse_query(
        "payment srvice kind:api owner:payments tag:java system:checkout "
        "lifecycle:production namespace:default type:service"
    )
    assert parsed.terms == ("payment", "srvice")
    assert parsed.filters == (
        FilterClause("kind", ("api",)),
        FilterClause("owner", ("payments",)),
        FilterClause("tag", ("java",)),
        FilterClause("system", ("checkout",)),
        FilterClause("lifecycle", ("production",)),
        FilterClause("namespace", ("default",)),
        FilterClause("type", ("service",)),
    )
    assert parsed.text == "payment srvice"


def test_quoted_values_repeated_keys_and_value_lists() -> None:
    parsed = parse_query('Kind:API kind:component owner:"Payments Team" "ledger service"')
    assert parsed.filters == (
        FilterClause("kind", ("api", "component")),
        FilterClause("owner", ("payments team",)),
    )
    assert parsed.terms == ("ledger", "service")
    assert parse_query("kind:api,component x").filters == (
        FilterClause("kind", ("api", "component")),
    )
    assert parse_query('tag:"java').filters == (FilterClause("tag", ("java",)),)


def test_entity_refs_and_urls_are_words_not_filters() -> None:
    assert parse_query("component:default/payment-service").terms == (
        "component",
        "default",
        "payment",
        "service",
    )
    assert parse_query("https://grafana.acme.example/d/payments").terms[:2] == (
        "https",
        "grafana",
    )


def test_an_unknown_key_names_the_valid_ones() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("payment owner:payments colour:blue")
    message = str(caught.value)
    assert "'colour'" in message
    for key in FILTER_KEYS:
        assert f"{key}:" in message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("   \t ", "empty"),
        ("?!... --- ***", "no letters or digits"),
        ("🔥🚀 💥", "no letters or digits"),
        ("kind:", "needs a value"),
        ('owner:""', "needs a value"),
    ],
)
def test_bad_input_gives_a_clear_error(text: str, fragment: str) -> None:
    with pytest.raises(QueryError, match=fragment):
        parse_query(text)


def test_filters_alone_are_a_query() -> None:
    parsed = parse_query("kind:api")
    assert parsed.terms == ()
    assert parsed.filters == (FilterClause("kind", ("api",)),)


def test_long_input_is_cut_to_a_cap(examples_index: SearchIndex) -> None:
    text = "payment service " + "x" * 10_000
    parsed = parse_query(text)
    assert parsed.truncated
    assert len(parsed.text) <= MAX_QUERY_CHARS
    many = parse_query(" ".join(f"word{i}" for i in range(500)))
    assert len(many.terms) == MAX_TERMS and many.truncated
    started = time.perf_counter()
    page = examples_index.search("payment " * 2_000)
    assert time.perf_counter() - started < 1.0
    assert page.hits[0].entity_ref == "component:default/payment-service"


@pytest.mark.parametrize(
    "text",
    [
        "payment.*",
        "(pay|ment)+$",
        "[a-z]{1,99999}",
        "\\d+\\",
        "a" * 64 + "!" * 200,
        "pay%_ment",
        "\x00\x01 payment",
        "\u0430" * 9,
        "'; DROP TABLE entities; --",
    ],
)
def test_metacharacters_are_plain_text(examples_index: SearchIndex, text: str) -> None:
    started = time.perf_counter()
    page = examples_index.search(text)
    assert time.perf_counter() - started < 1.0
    assert page.total == len(page.hits) or page.total > len(page.hits)


def test_with_filters_adds_clauses_that_must_all_hold() -> None:
    parsed = parse_query("ledger kind:api").with_filters({"kind": ["component"], "tag": ["x"]})
    assert parsed.filters == (
        FilterClause("kind", ("api",)),
        FilterClause("kind", ("component",)),
        FilterClause("tag", ("x",)),
    )
    with pytest.raises(QueryError, match="Unknown filter"):
        ParsedQuery().with_filters({"colour": ["blue"]})
