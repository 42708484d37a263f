"""The one error an inbound webhook delivery is refused with."""

from __future__ import annotations

BAD_REQUEST = 400
UNAUTHORIZED = 401
NOT_FOUND = 404
TOO_LARGE = 413


class WebhookError(Exception):
    """A delivery that is refused.

    Attributes:
        status: The HTTP status to answer with (401 bad or missing signature, 400 malformed
            payload, 413 body too large, 404 unknown or disabled source).
        message: Why, in words safe to send back to the caller: never a secret, a
            signature or a large piece of the body.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def __repr__(self) -> str:
        return f"WebhookError({self.status}, {self.message!r})"


def malformed(message: str) -> WebhookError:
    """A 400: the body was verified but cannot be read as the source's payload."""
    return WebhookError(BAD_REQUEST, message)


def unauthorized(message: str) -> WebhookError:
    """A 401: the delivery's signature or token is missing or wrong."""
    return WebhookError(UNAUTHORIZED, message)


def describe(value: object) -> str:
    """A short, safe rendering of a value from a payload for an error message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
