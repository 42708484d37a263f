"""Parsing of ``filter`` query strings and filter predicates into filter trees."""

from __future__ import annotations

from typing import Any

import pytest

from catalog_store.catalog_writer import CatalogInputError
from catalog_store.queries.filters import (
    AllOf,
    AnyOf,
    KeyMatch,
    Negation,
    combine,
    escape_like,
    parse_filter_params,
)
from catalog_store.queries.predicates import parse_predicate, primitive_text


def test_filter_sets_are_or_and_statements_are_and() -> None:
    node = parse_filter_params(["Kind=User,metadata.namespace=Default", "kind=group,spec.type"])
    assert node == AnyOf(
        (
            AllOf((KeyMatch("kind", ("user",)), KeyMatch("metadata.namespace", ("default",)))),
            AllOf((KeyMatch("kind", ("group",)), KeyMatch("spec.type"))),
        )
    )


def test_repeated_keys_in_one_set_mean_any_of_their_values() -> None:
    assert parse_filter_params(["kind=a,kind=B,kind=a"]) == KeyMatch("kind", ("a", "b"))
    assert parse_filter_params(["kind,kind=a"]) == KeyMatch("kind", ("a",))


def test_whitespace_empty_values_and_equals_in_values() -> None:
    assert parse_filter_params([" a = b , "]) == KeyMatch("a", ("b",))
    assert parse_filter_params(["a="]) == KeyMatch("a", ("",))
    assert parse_filter_params(["a=b=c"]) == KeyMatch("a", ("b=c",))
    assert parse_filter_params([",", ""]) is None
    assert parse_filter_params([]) is None


@pytest.mark.parametrize(
    "filters",
    [["=x"], ["a=b", " = "], ["x"] * 101, [",".join(f"k{i}" for i in range(501))], ["k" * 201]],
)
def test_bad_or_oversized_filters(filters: list[str]) -> None:
    with pytest.raises(CatalogInputError):
        parse_filter_params(filters)


def test_combine() -> None:
    a, b = KeyMatch("a"), KeyMatch("b")
    assert combine(None, None) is None
    assert combine(a, None) == a
    assert combine(a, b) == AllOf((a, b))


def test_escape_like() -> None:
    assert escape_like("50%_\\x") == "50\\%\\_\\\\x"


@pytest.mark.parametrize(
    ("predicate", "tree"),
    [
        ({"kind": "Component"}, KeyMatch("kind", ("component",))),
        (
            {"kind": "a", "spec.type": "B"},
            AllOf((KeyMatch("kind", ("a",)), KeyMatch("spec.type", ("b",)))),
        ),
        (
            {"$all": [{"a": 1}, {"b": True}]},
            AllOf((KeyMatch("a", ("1",)), KeyMatch("b", ("true",)))),
        ),
        (
            {"$any": [{"a": 1.0}, {"b": 2.5}]},
            AnyOf((KeyMatch("a", ("1",)), KeyMatch("b", ("2.5",)))),
        ),
        ({"$not": {"a": {"$exists": True}}}, Negation(KeyMatch("a"))),
        ({"a": {"$exists": False}}, Negation(KeyMatch("a"))),
        ({"a": {"$in": ["X", 3, False, "x"]}}, KeyMatch("a", ("x", "3", "false"))),
        ({"a": {"$in": []}}, AnyOf(())),
        ({"a": {"$hasPrefix": "Ab"}}, KeyMatch("a", prefix="ab")),
        ({}, AllOf(())),
    ],
)
def test_predicates(predicate: dict[str, Any], tree: object) -> None:
    assert parse_predicate(predicate) == tree


@pytest.mark.parametrize(
    "predicate",
    [
        "kind",
        ["kind"],
        {"$all": {"a": 1}},
        {"$any": [1]},
        {"$all": [], "a": 1},
        {"$nope": []},
        {"a": {"$contains": {"b": 1}}},
        {"a": {"$in": "x"}},
        {"a": {"$in": [None]}},
        {"a": {"$exists": 1}},
        {"a": {"$hasPrefix": 1}},
        {"a": {"$in": ["x"], "$exists": True}},
        {"a": None},
        {"a": [1, 2]},
        {"a": float("nan")},
        {"$any": [{"a": 1}] * 101},
        {"a": {"$in": list(range(501))}},
    ],
)
def test_bad_predicates(predicate: Any) -> None:
    with pytest.raises(CatalogInputError):
        parse_predicate(predicate)


def test_deep_predicates_are_refused() -> None:
    node: Any = {"a": 1}
    for _ in range(17):
        node = {"$not": node}
    with pytest.raises(CatalogInputError):
        parse_predicate(node)


def test_primitive_text() -> None:
    assert primitive_text(True) == "true"
    assert primitive_text(7) == "7"
    assert primitive_text(7.0) == "7"
    assert primitive_text(0.5) == "0.5"
    assert primitive_text("X") == "X"
    assert primitive_text(None) is None
    assert primitive_text({"a": 1}) is None
