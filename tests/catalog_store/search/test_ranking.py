"""Ranking on the example catalog: typos, word order, partial words, abbreviations and
aliases find the entity meant first; every hit says which field matched."""

from __future__ import annotations

import pytest

from catalog_store.search import SearchIndex
from tests.catalog_store.search.conftest import refs

PAYMENT_SERVICE = "component:default/payment-service"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("payment srvice", PAYMENT_SERVICE),
        ("pmts", PAYMENT_SERVICE),
        ("payment-service", PAYMENT_SERVICE),
        ("service payment", PAYMENT_SERVICE),
        ("paymnet servcie", PAYMENT_SERVICE),
        ("paymentservice", PAYMENT_SERVICE),
        ("paym serv", PAYMENT_SERVICE),
        ("pmt svc", PAYMENT_SERVICE),
        ("PAYMENT SERVICE", PAYMENT_SERVICE),
        ("checkout api", "api:default/checkout-api"),
        ("chekout api", "api:default/checkout-api"),
        ("ledger svc", "component:default/ledger-service"),
        ("order svc", "component:default/order-service"),
        ("ordr service", "component:default/order-service"),
        ("checkout web", "component:default/checkout-web"),
        ("callboard bot", "component:default/callboard-bot"),
        ("orders queue", "resource:default/orders-queue"),
        ("payments database", "resource:default/payments-db"),
        ("alice moreau", "user:default/alice"),
        ("payments", "system:default/payments"),
    ],
)
def test_the_entity_meant_comes_first(
    examples_index: SearchIndex, query: str, expected: str
) -> None:
    page = examples_index.search(query)
    assert page.hits, query
    assert page.hits[0].entity_ref == expected, (query, refs(page.hits)[:5])


def test_initials_find_a_multi_word_name(examples_index: SearchIndex) -> None:
    top = refs(examples_index.search("ps").hits)[:2]
    assert PAYMENT_SERVICE in top


def test_a_hit_says_which_field_matched_and_the_text(examples_index: SearchIndex) -> None:
    hit = examples_index.search("pmts").hits[0]
    assert hit.entity_ref == PAYMENT_SERVICE
    assert hit.matches[0].field == "alias"
    assert hit.matches[0].text == "pmts"
    assert hit.matches[0].terms == ("pmts",)

    tagged = examples_index.search("java").hits[0]
    assert tagged.entity_ref == PAYMENT_SERVICE
    assert [(m.field, m.text) for m in tagged.matches] == [("tag", "java")]

    typo = examples_index.search("payment srvice").hits[0]
    name = next(m for m in typo.matches if m.field == "name")
    assert name.text == "payment-service"
    assert set(name.terms) == {"payment", "service"}


def test_a_hit_carries_the_entity_summary(examples_index: SearchIndex) -> None:
    hit = examples_index.search("payment service").hits[0]
    assert (hit.kind, hit.namespace, hit.name) == ("Component", "default", "payment-service")
    assert hit.title == "Payment Service"
    assert hit.owner == "payments-team"
    assert hit.system == "payments"
    assert hit.lifecycle == "production"
    assert hit.type == "service"
    assert hit.description and "card payments" in hit.description
    assert 0 < hit.score <= 1.0


def test_exact_and_prefix_matches_come_before_fuzzy_ones(examples_index: SearchIndex) -> None:
    hits = examples_index.search("ledger").hits
    assert refs(hits)[:2] == ["component:default/ledger-service", "api:default/ledger-api"]
    assert hits[0].score > hits[-1].score


def test_components_and_systems_come_before_apis_groups_and_users() -> None:
    index = SearchIndex.from_entities(
        [
            _entity("User", "billing"),
            _entity("Group", "billing"),
            _entity("API", "billing"),
            _entity("Component", "billing"),
            _entity("System", "billing"),
        ]
    )
    assert refs(index.search("billing").hits) == [
        "component:default/billing",
        "system:default/billing",
        "api:default/billing",
        "group:default/billing",
        "user:default/billing",
    ]
    filtered = index.search("billing kind:user,group").hits
    assert {hit.entity_ref for hit in filtered} == {"group:default/billing", "user:default/billing"}
    assert filtered[0].score == filtered[1].score == 1.0


def test_camel_case_titles_and_numeronyms() -> None:
    index = SearchIndex.from_entities(
        [
            _entity("API", "grafanaorganizations.observability", title="GrafanaOrganization"),
            _entity("Component", "kubernetes-dashboard"),
            _entity("Component", "organization-service"),
        ]
    )
    assert refs(index.search("grafana organization").hits)[0] == (
        "api:default/grafanaorganizations.observability"
    )
    assert refs(index.search("k8s dashboard").hits)[0] == "component:default/kubernetes-dashboard"


def test_pages_are_stable_and_cover_every_hit(examples_index: SearchIndex) -> None:
    everything = examples_index.search("service", limit=100)
    assert everything.total == len(everything.hits) > 3
    paged = []
    for offset in range(0, everything.total, 2):
        page = examples_index.search("service", limit=2, offset=offset)
        assert page.total == everything.total
        paged.extend(refs(page.hits))
    assert paged == refs(everything.hits)
    scores = [hit.score for hit in everything.hits]
    assert scores == sorted(scores, reverse=True)


def test_unrelated_words_find_nothing(examples_index: SearchIndex) -> None:
    page = examples_index.search("zzzqqq xylophone")
    assert page.total == 0
    assert page.hits == []


def _entity(kind: str, name: str, **metadata: str) -> dict[str, object]:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": kind,
        "metadata": {"name": name, **metadata},
        "spec": {},
    }
