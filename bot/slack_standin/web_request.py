"""Reading a Web API request the way Slack does: query string, form, multipart or JSON.

The token comes from ``Authorization: Bearer …`` or, for form and query requests, a
``token`` argument (a JSON body cannot carry it, as on Slack). JSON bodies without a
``charset`` are accepted with Slack's ``missing_charset`` warning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl


class ApiError(Exception):
    """A Web API error answer: ``{"ok": false, "error": …}`` plus ``extra`` fields."""

    def __init__(
        self,
        error: str,
        *,
        status: int = 200,
        messages: list[str] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.headers = headers or {}
        self.body: dict[str, Any] = {"ok": False, "error": error, **extra}
        if messages:
            self.body["response_metadata"] = {"messages": messages}


@dataclass
class WebRequest:
    """A Web API request once read: its arguments, its token and Slack's warnings."""

    args: dict[str, Any]
    token: str | None
    warnings: list[str] = field(default_factory=list)


def read_web_request(
    *, query: list[tuple[str, str]], headers: dict[str, str], body: bytes
) -> WebRequest:
    """Read the arguments and the token of a Web API request.

    Args:
        query: the query string's pairs.
        headers: the request headers, names lower-case.
        body: the raw body.

    Raises:
        ApiError: ``invalid_json``, ``invalid_form_data`` or ``invalid_post_type``.
    """
    args: dict[str, Any] = dict(query)
    warnings: list[str] = []
    content_type = headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    json_body = False
    if body.strip():
        if media_type == "application/json":
            json_body = True
            if "charset" not in content_type.lower():
                warnings.append("missing_charset")
            try:
                decoded = json.loads(body)
            except ValueError as exc:
                raise ApiError("invalid_json") from exc
            if not isinstance(decoded, dict):
                raise ApiError("json_not_object")
            decoded.pop("token", None)
            args.update(decoded)
        elif media_type in ("application/x-www-form-urlencoded", "text/plain", ""):
            try:
                args.update(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=False))
            except UnicodeDecodeError as exc:
                raise ApiError("invalid_form_data") from exc
        elif media_type == "multipart/form-data":
            args.update(_multipart(content_type, body))
        else:
            raise ApiError("invalid_post_type")
    token = _bearer(headers.get("authorization"))
    form_token = args.pop("token", None)
    if token is None and not json_body and isinstance(form_token, str) and form_token:
        token = form_token
    return WebRequest(args=args, token=token, warnings=warnings)


def _bearer(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, credentials = value.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def _multipart(content_type: str, body: bytes) -> dict[str, str]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ApiError("invalid_form_data")
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            fields[name] = payload.decode("utf-8", errors="replace")
    return fields


def json_argument(args: dict[str, Any], name: str, error: str) -> Any:
    """An argument that is JSON: decoded from a string (form) or taken as is (JSON body).

    Raises:
        ApiError: ``error`` when a string is not valid JSON.
    """
    value = args.get(name)
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except ValueError as exc:
            raise ApiError(error) from exc
    return value


def bool_argument(args: dict[str, Any], name: str, default: bool = False) -> bool:
    """A boolean argument: ``true``/``1`` or JSON ``true``."""
    value = args.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes")


def str_argument(args: dict[str, Any], name: str) -> str | None:
    """A string argument, or None when absent or empty."""
    value = args.get(name)
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value)
    return text if text != "" else None
