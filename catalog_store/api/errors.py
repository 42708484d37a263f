"""Backstage's error responses for everything under the catalog's path.

Backstage answers errors with ``{"error": {"name", "message"}, "request": {"method",
"url"}, "response": {"statusCode"}}``, the ``name`` telling the kind of error
(``InputError`` 400, ``AuthenticationError`` 401, ``NotFoundError`` 404,
``ConflictError`` 409). :func:`install_error_handlers` gives every error under the
catalog's prefix that body, unknown routes and malformed requests included; other
paths of the application keep FastAPI's own responses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from catalog_store.catalog_writer import CatalogInputError, ConflictError, NotFoundError

CATALOG_PREFIX = "/api/catalog"

_NAMES = {
    400: "InputError",
    401: "AuthenticationError",
    403: "NotAllowedError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    409: "ConflictError",
    413: "PayloadTooLargeError",
    500: "Error",
    503: "ServiceUnavailableError",
}


class AuthenticationError(Exception):
    """The request lacks a valid bearer token (HTTP 401)."""


def error_body(request: Request, status: int, name: str, message: str) -> dict[str, Any]:
    """Backstage's error response body.

    Args:
        request: The failed request.
        status: The HTTP status code.
        name: The error's name, e.g. ``NotFoundError``.
        message: What went wrong.
    """
    url = request.url.path
    if request.url.query:
        url = f"{url}?{request.url.query}"
    return {
        "error": {"name": name, "message": message},
        "request": {"method": request.method, "url": url},
        "response": {"statusCode": status},
    }


def error_response(
    request: Request,
    status: int,
    message: str,
    name: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A JSON response with Backstage's error body."""
    body = error_body(request, status, name or _NAMES.get(status, "Error"), message)
    return JSONResponse(body, status_code=status, headers=headers)


def _describe_validation(errors: Sequence[Any]) -> str:
    parts = []
    for error in list(errors)[:5]:
        if not isinstance(error, dict):
            parts.append(str(error))
            continue
        where = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg")))
    return "Malformed request: " + "; ".join(parts)


def install_error_handlers(app: FastAPI, prefix: str = CATALOG_PREFIX) -> None:
    """Answer every error under ``prefix`` with Backstage's error body.

    Covers the catalog's own errors (``CatalogInputError`` 400, ``NotFoundError`` 404,
    ``ConflictError`` 409, ``AuthenticationError`` 401), unknown routes and methods,
    malformed requests (400 ``InputError``) and unexpected failures (500). Requests
    outside ``prefix`` keep FastAPI's default handling.

    Args:
        app: The application.
        prefix: The path the catalog router is mounted at.
    """

    def in_catalog(request: Request) -> bool:
        path = request.url.path
        return path == prefix or path.startswith(prefix.rstrip("/") + "/")

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not in_catalog(request):
            return await http_exception_handler(request, exc)
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"No route for {request.method} {request.url.path}"
        headers = dict(exc.headers) if exc.headers else None
        return error_response(request, exc.status_code, message, headers=headers)

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if not in_catalog(request):
            return await request_validation_exception_handler(request, exc)
        return error_response(request, 400, _describe_validation(exc.errors()))

    async def on_input_error(request: Request, exc: Exception) -> Response:
        return error_response(request, 400, str(exc), "InputError")

    async def on_not_found(request: Request, exc: Exception) -> Response:
        return error_response(request, 404, str(exc), "NotFoundError")

    async def on_conflict(request: Request, exc: Exception) -> Response:
        return error_response(request, 409, str(exc), "ConflictError")

    async def on_authentication(request: Request, exc: Exception) -> Response:
        headers = {"WWW-Authenticate": "Bearer"}
        return error_response(request, 401, str(exc), "AuthenticationError", headers)

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        if not in_catalog(request):
            return PlainTextResponse("Internal Server Error", status_code=500)
        return error_response(request, 500, "Internal server error", "Error")

    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(CatalogInputError, on_input_error)
    app.add_exception_handler(NotFoundError, on_not_found)
    app.add_exception_handler(ConflictError, on_conflict)
    app.add_exception_handler(AuthenticationError, on_authentication)
    app.add_exception_handler(Exception, on_unexpected)
