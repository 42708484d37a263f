"""Which links are catalog pages, and of which entity."""

from __future__ import annotations

import pytest

from bot.slack_app.catalog_links import entity_ref_of_link

BASE = "https://backstage.acme.example"


@pytest.mark.parametrize(
    ("url", "key"),
    [
        (f"{BASE}/catalog/default/component/payment-service", "component:default/payment-service"),
        (f"{BASE}/catalog/default/component/payment-service/", "component:default/payment-service"),
        (
            f"{BASE}/catalog/Default/Component/Payment-Service/api?x=1#t",
            "component:default/payment-service",
        ),
        ("HTTPS://BACKSTAGE.ACME.EXAMPLE/catalog/ops/group/sre", "group:ops/sre"),
        (f"{BASE}/catalog/default/component/a%2Eb", "component:default/a.b"),
    ],
)
def test_catalog_pages(url: str, key: str) -> None:
    ref = entity_ref_of_link(url, BASE)
    assert ref is not None and ref.key == key


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/docs/default/component/payment-service",
        f"{BASE}/catalog/default/component",
        f"{BASE}/catalog/default//x",
        f"{BASE}/catalog/../component/x",
        "http://backstage.acme.example/catalog/default/component/x",
        "https://backstage.acme.example.evil.example/catalog/default/component/x",
        "https://evil.example/https://backstage.acme.example/catalog/default/component/x",
        "https://backstage.acme.example:8443/catalog/default/component/x",
        f"{BASE}/catalog/default/component/<script>",
        "not a url",
    ],
)
def test_other_links(url: str) -> None:
    assert entity_ref_of_link(url, BASE) is None


def test_a_catalog_under_a_path() -> None:
    base = "https://tools.acme.example/backstage/"
    ref = entity_ref_of_link("https://tools.acme.example/backstage/catalog/default/api/x", base)
    assert ref is not None and ref.key == "api:default/x"
    assert entity_ref_of_link("https://tools.acme.example/catalog/default/api/x", base) is None
