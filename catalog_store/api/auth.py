"""Optional bearer-token authentication of every catalog endpoint.

With tokens configured, a request must carry ``Authorization: Bearer <token>`` for one
of them; the check runs before the request body is read and compares in constant time.
Without tokens the API is open.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from catalog_store.api.errors import AuthenticationError


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value, if any."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_is_valid(token: str, accepted: Sequence[bytes]) -> bool:
    """Compare ``token`` with every accepted token in constant time."""
    given = token.encode()
    valid = False
    for candidate in accepted:
        valid |= hmac.compare_digest(given, candidate)
    return valid


def check_request(request: Request, accepted: Sequence[bytes]) -> None:
    """Refuse a request without a valid bearer token.

    Raises:
        AuthenticationError: The header is missing, malformed or names no accepted token.
    """
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise AuthenticationError(
            "Missing or malformed Authorization header, expected a Bearer token"
        )
    if not token_is_valid(token, accepted):
        raise AuthenticationError("Invalid bearer token")


def route_class_for(api_tokens: Sequence[str]) -> type[APIRoute]:
    """The route class of the catalog router: token-checking when tokens are given."""
    accepted = tuple(t.encode() for t in api_tokens if t)
    if not accepted:
        return APIRoute

    class TokenCheckedRoute(APIRoute):
        """A route that checks the bearer token before anything else."""

        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def checked(request: Request) -> Response:
                check_request(request, accepted)
                return await handler(request)

            return checked

    return TokenCheckedRoute
