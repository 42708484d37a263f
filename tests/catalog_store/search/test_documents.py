"""What the index reads of an entity: names, titles, aliases, owner and system names,
tags and links; and every field is indexed as it is explained."""

from __future__ import annotations

from catalog_store.search import FIELDS, document_of
from catalog_store.search.batch import _COLUMNS, _field_values

PAYMENT_SERVICE = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "Component",
    "metadata": {
        "name": "payment-service",
        "namespace": "Payments",
        "title": "Payment Service",
        "description": "Authorises card payments.",
        "tags": ["java", "grpc", 7],
        "annotations": {"callboard.dev/aliases": " pmts, payments-api ,, "},
        "links": [
            {"url": "https://grafana.acme.example/d/payments", "title": "Payments dashboard"},
            {"url": "https://runbooks.acme.example/payments"},
            "not a link",
        ],
    },
    "spec": {
        "type": "service",
        "lifecycle": "production",
        "owner": "group:default/payments-team",
        "system": "system:payments/payments",
    },
}


def test_an_entity_becomes_a_document() -> None:
    doc = document_of("uid-1", PAYMENT_SERVICE)
    assert doc is not None
    assert doc.entity_id == "uid-1"
    assert doc.entity_ref == "component:payments/payment-service"
    assert (doc.kind, doc.namespace, doc.name) == ("Component", "Payments", "payment-service")
    assert doc.title == "Payment Service"
    assert doc.owner == "group:default/payments-team"
    assert doc.owner_ref == "group:default/payments-team"
    assert doc.owner_name == "payments-team"
    assert doc.system == "payments"
    assert (doc.type, doc.lifecycle) == ("service", "production")
    assert doc.tags == ("java", "grpc")
    assert doc.aliases == ("pmts", "payments-api")
    assert doc.links == (
        ("Payments dashboard", "https://grafana.acme.example/d/payments"),
        ("", "https://runbooks.acme.example/payments"),
    )


def test_a_users_display_name_is_its_title_and_a_short_owner_is_a_group() -> None:
    user = document_of(
        "u",
        {
            "kind": "User",
            "metadata": {"name": "alice"},
            "spec": {"profile": {"displayName": "Alice M"}},
        },
    )
    assert user is not None and user.title == "Alice M"
    component = document_of(
        "c", {"kind": "Component", "metadata": {"name": "x"}, "spec": {"owner": "team-a"}}
    )
    assert component is not None and component.owner_ref == "group:default/team-a"


def test_entities_without_kind_or_name_are_skipped() -> None:
    assert document_of("x", {"metadata": {"name": "x"}}) is None
    assert document_of("x", {"kind": "Component", "metadata": {}}) is None
    assert document_of("x", {"kind": "Component", "metadata": "nope"}) is None


def test_every_field_is_indexed_from_the_values_it_is_explained_by() -> None:
    doc = document_of("uid-1", PAYMENT_SERVICE)
    assert doc is not None
    assert [name for name, _, _ in _COLUMNS] == [spec.name for spec in FIELDS]
    for number, (slots, texts) in _field_values([doc], 0):
        assert texts == list(doc.field_values(FIELDS[number].name)), FIELDS[number].name
        assert slots == [0] * len(texts)
