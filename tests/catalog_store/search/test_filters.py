"""Filters: one key's values are alternatives, different keys must all hold, and a query of
filters alone lists what passes them."""

from __future__ import annotations

import pytest

from catalog_store.search import SearchIndex, browse_query
from tests.catalog_store.search.conftest import refs


def names(index: SearchIndex, query: str) -> set[str]:
    return {hit.entity_ref for hit in index.search(query, limit=100).hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "kind:api",
            {"api:default/checkout-api", "api:default/payments-api", "api:default/ledger-api"},
        ),
        ("kind:API owner:payments-team", {"api:default/payments-api", "api:default/ledger-api"}),
        ("kind:api owner:payments", {"api:default/payments-api", "api:default/ledger-api"}),
        (
            "kind:api owner:group:default/payments-team",
            {"api:default/payments-api", "api:default/ledger-api"},
        ),
        (
            "kind:api owner:default/payments-team",
            {"api:default/payments-api", "api:default/ledger-api"},
        ),
        ("tag:java", {"component:default/payment-service"}),
        (
            "tag:kotlin tag:go",
            {"component:default/ledger-service", "component:default/order-service"},
        ),
        (
            "kind:component system:checkout",
            {"component:default/checkout-web", "component:default/order-service"},
        ),
        (
            "kind:component system:system:default/checkout",
            {"component:default/checkout-web", "component:default/order-service"},
        ),
        ("kind:component lifecycle:experimental", {"component:default/callboard-bot"}),
        ("kind:resource type:database", {"resource:default/payments-db"}),
        ("kind:api type:grpc namespace:default", {"api:default/payments-api"}),
        ("kind:api namespace:elsewhere", set()),
        ("kind:api owner:nobody", set()),
    ],
)
def test_filters_alone(examples_index: SearchIndex, query: str, expected: set[str]) -> None:
    assert names(examples_index, query) == expected


def test_filters_narrow_a_word_search(examples_index: SearchIndex) -> None:
    assert refs(examples_index.search("checkout").hits)[0] == "system:default/checkout"
    assert refs(examples_index.search("checkout kind:api").hits) == ["api:default/checkout-api"]
    assert refs(examples_index.search("payments kind:component").hits) == [
        "component:default/payment-service",
        "component:default/ledger-service",
    ]
    assert examples_index.search("payment kind:user").total == 0


def test_a_listing_puts_components_and_systems_first_then_sorts_by_ref(
    examples_index: SearchIndex,
) -> None:
    page = examples_index.search(browse_query({"owner": ["payments-team"]}), limit=100)
    listed = refs(page.hits)
    assert listed[:3] == [
        "component:default/ledger-service",
        "component:default/payment-service",
        "system:default/payments",
    ]
    assert listed[3:5] == ["api:default/ledger-api", "api:default/payments-api"]
    assert page.total == len(listed)
    assert len(examples_index) == examples_index.search(browse_query(), limit=100).total
