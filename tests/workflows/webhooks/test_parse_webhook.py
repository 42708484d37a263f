"""What every source shares: which sources answer, size, verification before parsing,
header names in any case, and secrets that never show."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.workflows.webhooks.signing import (
    NOW,
    SECRETS,
    bearer_headers,
    generic_headers,
    github_headers,
    tfc_headers,
)
from workflows.webhooks import (
    MAX_BODY_BYTES,
    SOURCES,
    WebhookError,
    WebhookSecrets,
    parse_webhook,
)

NOT_JSON = b'{"this is": not json'


def signed_headers(source: str, body: bytes) -> dict[str, str]:
    """Valid authentication for ``body`` from ``source``."""
    if source == "terraform-cloud":
        return tfc_headers(body)
    if source == "github":
        return github_headers(body, "deployment_status")
    if source == "generic":
        return generic_headers(body)
    return bearer_headers(SECRETS.for_source(source))


def refusal(source: str, headers: dict[str, str], body: bytes, **options: Any) -> WebhookError:
    secrets = options.pop("secrets", SECRETS)
    with pytest.raises(WebhookError) as refused:
        parse_webhook(source, headers, body, secrets, now=NOW)
    return refused.value


def test_secrets_fields_follow_the_sources() -> None:
    assert [field.name for field in dataclasses.fields(WebhookSecrets)] == [
        source.replace("-", "_") for source in SOURCES
    ]
    assert all(SECRETS.for_source(source) for source in SOURCES)


@pytest.mark.parametrize("source", ["gitlab", "", "GitHub", "../github", "terraform_cloud"])
def test_unknown_sources_are_not_found(source: str) -> None:
    error = refusal(source, {}, b"{}")
    assert error.status == 404
    assert source not in error.message or not source


@pytest.mark.parametrize("source", SOURCES)
def test_a_source_without_a_secret_is_not_found(source: str) -> None:
    body = b"{}"
    disabled = dataclasses.replace(SECRETS, **{source.replace("-", "_"): None})
    empty = dataclasses.replace(SECRETS, **{source.replace("-", "_"): ""})
    for secrets in (disabled, empty):
        error = refusal(source, signed_headers(source, body), body, secrets=secrets)
        assert error.status == 404
    unknown = refusal("gitlab", {}, body)
    assert error.message == unknown.message, "a disabled source looks like an unknown one"


@pytest.mark.parametrize("source", SOURCES)
def test_a_body_over_the_limit_is_refused_before_anything_else(source: str) -> None:
    body = b"[" * (MAX_BODY_BYTES + 1)
    assert refusal(source, {}, body).status == 413
    at_limit = b" " * (MAX_BODY_BYTES - 2) + b"{}"
    assert refusal(source, {}, at_limit).status == 401


@pytest.mark.parametrize("source", SOURCES)
def test_verification_comes_before_parsing(source: str) -> None:
    assert refusal(source, {}, NOT_JSON).status == 401
    assert refusal(source, signed_headers(source, NOT_JSON), NOT_JSON).status == 400


@pytest.mark.parametrize("source", SOURCES)
def test_a_signature_for_another_body_is_refused(source: str) -> None:
    headers = signed_headers(source, b'{"a": 1}')
    if source in ("argocd", "humanitec"):
        headers["Authorization"] = "Bearer " + "0" * 20
    error = refusal(source, headers, b'{"a": 2}')
    assert error.status == 401


@pytest.mark.parametrize("source", SOURCES)
def test_header_names_match_in_any_case(source: str) -> None:
    headers = {name.lower(): value for name, value in signed_headers(source, NOT_JSON).items()}
    assert refusal(source, headers, NOT_JSON).status == 400
    headers = {name.upper(): value for name, value in signed_headers(source, NOT_JSON).items()}
    assert refusal(source, headers, NOT_JSON).status == 400


@pytest.mark.parametrize("source", SOURCES)
def test_refusals_never_show_a_secret_or_a_signature(source: str) -> None:
    secret = SECRETS.for_source(source)
    assert secret is not None
    good = signed_headers(source, b"{}")
    wrong = {name: value[:-1] + ("0" if value[-1] != "0" else "1") for name, value in good.items()}
    for headers in (wrong, {name: "\u00e9\u2603" for name in good}):
        error = refusal(source, headers, b"{}")
        assert error.status == 401
        assert secret not in error.message and secret not in repr(error)
        for value in headers.values():
            assert value not in error.message


def test_secrets_do_not_show_in_repr() -> None:
    for text in (repr(SECRETS), str(SECRETS), f"{SECRETS}"):
        assert all(secret not in text for secret in map(SECRETS.for_source, SOURCES) if secret)
    assert "github" in repr(SECRETS)


def test_only_the_route_source_decides_the_secret() -> None:
    """A GitHub-signed body posted to another source's route is not accepted there."""
    body = b'{"action": "created"}'
    headers = {**github_headers(body, "deployment"), **tfc_headers(body, secret=SECRETS.github)}
    assert refusal("terraform-cloud", headers, body).status == 401
