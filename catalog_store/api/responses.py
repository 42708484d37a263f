"""JSON responses of the catalog API, written without FastAPI's generic encoder."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session, sessionmaker

from catalog_store.queries.entity_reader import (
    build_entities,
    chunked,
    dump_json,
    load_rows_by_id,
)
from catalog_store.queries.fields import Fields

STREAM_CHUNK = 500
"""Entities per database round trip when a long list is streamed."""


def json_response(
    value: Any, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """A compact JSON response."""
    return Response(
        content=dump_json(value),
        status_code=status_code,
        media_type="application/json",
        headers=dict(headers or {}),
    )


def next_link(request: Request, after: str) -> str:
    """The ``Link`` header of the next page: this request without ``offset``, with ``after``."""
    params = [
        (key, value)
        for key, value in request.query_params.multi_items()
        if key not in ("offset", "after")
    ]
    params.append(("after", after))
    return f'<{request.url.path}?{urlencode(params)}>; rel="next"'


def _stream(
    sessions: sessionmaker[Session], ids: Sequence[str], fields: Fields | None
) -> Iterator[str]:
    yield "["
    separator = ""
    for part in chunked(ids, STREAM_CHUNK):
        with sessions() as session:
            entities = build_entities(session, load_rows_by_id(session, part), fields)
        if entities:
            yield separator + ",".join(dump_json(entity) for entity in entities)
            separator = ","
    yield "]"


def entity_list_response(
    sessions: sessionmaker[Session],
    session: Session,
    ids: Sequence[str],
    fields: Fields | None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The JSON array of the entities with ``ids``, in order.

    Short lists are built at once with ``session``; long ones are streamed, each chunk
    read with a session of its own so that no transaction stays open meanwhile.
    """
    if len(ids) <= STREAM_CHUNK:
        entities = build_entities(session, load_rows_by_id(session, ids), fields)
        return json_response(entities, headers=headers)
    return StreamingResponse(
        _stream(sessions, list(ids), fields),
        media_type="application/json",
        headers=dict(headers or {}),
    )
