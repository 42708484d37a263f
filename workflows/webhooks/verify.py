"""Checking that a delivery comes from whoever holds the source's secret.

Every comparison goes through :func:`hmac.compare_digest`. Error messages say what is
wrong (missing header, no match) and never repeat a secret or a signature.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime

from workflows.webhooks.errors import unauthorized

REPLAY_WINDOW_SECONDS = 300
"""How far a timestamped signature may be from now, either way."""


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers keyed by lower-case name (HTTP header names are case-insensitive)."""
    return {name.lower(): value for name, value in headers.items()}


def _same(expected: str, provided: str) -> bool:
    return hmac.compare_digest(expected.encode("utf-8"), provided.encode("utf-8", errors="replace"))


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name.lower(), "").strip()
    if not value:
        raise unauthorized(f"the {name} header is missing")
    return value


def check_hmac(
    headers: Mapping[str, str],
    header: str,
    *,
    secret: str,
    message: bytes,
    digest: str,
    prefix: str = "",
) -> None:
    """Check a hex HMAC of ``message`` sent in ``header``, as ``prefix`` + hex digest.

    Args:
        headers: The delivery's headers, keyed by lower-case name.
        header: The header that carries the signature.
        secret: The shared key.
        message: The signed bytes.
        digest: The hash, e.g. ``"sha256"``.
        prefix: What precedes the hex digest in the header (``"sha256="``).

    Raises:
        WebhookError: 401 when the header is missing or the signature does not match.
    """
    provided = _header(headers, header)
    expected = hmac.new(secret.encode("utf-8"), message, getattr(hashlib, digest)).hexdigest()
    if not provided.lower().startswith(prefix) or not _same(
        expected, provided[len(prefix) :].lower()
    ):
        raise unauthorized(f"the {header} signature does not match")


def check_bearer(headers: Mapping[str, str], *, secret: str) -> None:
    """Check ``Authorization: Bearer <secret>``.

    Raises:
        WebhookError: 401 when the header is missing, not a bearer token, or wrong.
    """
    provided = _header(headers, "Authorization")
    scheme, _, token = provided.partition(" ")
    if scheme.lower() != "bearer" or not _same(secret, token.strip()):
        raise unauthorized("the Authorization bearer token does not match")


def check_timestamped_hmac(
    headers: Mapping[str, str],
    *,
    signature_header: str,
    timestamp_header: str,
    secret: str,
    body: bytes,
    now: datetime,
    window_seconds: int = REPLAY_WINDOW_SECONDS,
) -> int:
    """Check ``sha256=<hex HMAC-SHA256 of "{timestamp}.{body}">`` and the timestamp's age.

    Args:
        headers: The delivery's headers, keyed by lower-case name.
        signature_header: The header with the signature.
        timestamp_header: The header with the signing time (unix seconds).
        secret: The shared key.
        body: The raw body.
        now: The current time.
        window_seconds: How far the timestamp may be from ``now``.

    Returns:
        The verified timestamp.

    Raises:
        WebhookError: 401 when a header is missing, the timestamp is not unix seconds or
            outside the window, or the signature does not match.
    """
    raw_timestamp = _header(headers, timestamp_header)
    if not raw_timestamp.isascii() or not raw_timestamp.isdigit() or len(raw_timestamp) > 12:
        raise unauthorized(f"the {timestamp_header} header must be unix seconds")
    check_hmac(
        headers,
        signature_header,
        secret=secret,
        message=raw_timestamp.encode("ascii") + b"." + body,
        digest="sha256",
        prefix="sha256=",
    )
    timestamp = int(raw_timestamp)
    if abs(now.timestamp() - timestamp) > window_seconds:
        raise unauthorized(
            f"the {timestamp_header} is more than {window_seconds // 60} minutes from now"
        )
    return timestamp
