"""The search API in the shape of Backstage's search backend (``GET /api/search/query``).

``GET /api/search/query?term=payment%20srvice&types[0]=software-catalog
&filters[kind]=Component&pageLimit=10&pageCursor=...`` answers Backstage's
``SearchResultSet``::

    {"results": [{"type": "software-catalog",
                  "document": {"title", "text", "location", "kind", "namespace", "name",
                               "owner", "lifecycle", "type", "componentType",
                               "authorization": {"resourceRef"}},
                  "rank": 1,
                  "highlight": {"preTag", "postTag", "fields": {...}},
                  "matches": [{"field", "text", "terms"}],
                  "score": 0.93}],
     "nextPageCursor": "...", "previousPageCursor": "...", "numberOfResults": 12}

``term`` uses the query language of :mod:`catalog_store.search.query` (``kind:api``
filters included); ``filters[key]`` (or ``filters[key][0]``…) adds filters that must
hold as well. An empty term lists the entities passing the filters. ``matches`` and
``score`` are Callboard's additions: the fields that matched and the relevance. Page
cursors are the page number in base64, as Backstage's Lunr engine writes them. Bad
parameters answer 400 with the catalog API's error body.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request, Response

from catalog_store.api.auth import route_class_for
from catalog_store.api.errors import error_response
from catalog_store.api.responses import json_response
from catalog_store.search import (
    FILTER_KEYS,
    FieldMatch,
    ParsedQuery,
    QueryError,
    SearchHit,
    SearchIndexHandle,
    browse_query,
    parse_query,
)
from catalog_store.search.index import MAX_OFFSET
from catalog_store.search.text import camel_parts, word_spans

SEARCH_PREFIX = "/api/search"
DOCUMENT_TYPE = "software-catalog"
DEFAULT_PAGE_LIMIT = 25
MAX_PAGE_LIMIT = 100
PRE_TAG = "<callboard-highlight>"
POST_TAG = "</callboard-highlight>"
FILTER_ALIASES = {"componenttype": "type", "tags": "tag"}
"""Backstage document fields accepted as filter keys, and the key they stand for."""
_ARRAY_PARAM = re.compile(r"^(?P<name>[A-Za-z]+)(?:\[(?P<key>[^\]]*)\])?(?:\[\d*\])?$")
_HIGHLIGHT_FIELDS = {"description": "text"}


def _params(request: Request) -> tuple[str, list[str] | None, dict[str, list[str]], str, str]:
    """``term``, ``types``, ``filters``, ``pageCursor`` and ``pageLimit`` of a request."""
    term = ""
    types: list[str] | None = None
    filters: dict[str, list[str]] = {}
    cursor = ""
    limit = ""
    for raw_key, value in request.query_params.multi_items():
        match = _ARRAY_PARAM.match(raw_key)
        if match is None:
            continue
        name, key = match.group("name"), match.group("key")
        if name == "term" and key is None:
            term = value
        elif name == "types":
            types = [*(types or []), *(v for v in value.split(",") if v)]
        elif name == "filters" and key:
            filters.setdefault(key, []).append(value)
        elif name == "pageCursor" and key is None:
            cursor = value
        elif name == "pageLimit" and key is None:
            limit = value
    return term, types, filters, cursor, limit


def _filter_key(key: str) -> str:
    name = FILTER_ALIASES.get(key.lower(), key.lower())
    if name not in FILTER_KEYS:
        valid = ", ".join(f"filters[{k}]" for k in FILTER_KEYS)
        raise QueryError(f"Unknown filter {key!r}: valid filters are {valid}")
    return name


def _query(term: str, filters: dict[str, list[str]]) -> ParsedQuery:
    merged: dict[str, list[str]] = {}
    for key, values in filters.items():
        merged.setdefault(_filter_key(key), []).extend(values)
    if not term.strip():
        return browse_query(merged)
    return parse_query(term).with_filters(merged)


def _page_limit(text: str) -> int:
    if not text:
        return DEFAULT_PAGE_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE_LIMIT:
        raise QueryError(f"Invalid pageLimit, must be a whole number from 1 to {MAX_PAGE_LIMIT}")
    return int(text)


def encode_page_cursor(page: int) -> str:
    """The cursor of a page (its number in base64, as Backstage's Lunr engine writes it)."""
    return base64.b64encode(str(page).encode()).decode()


def decode_page_cursor(cursor: str) -> int:
    """The page number of a cursor.

    Raises:
        QueryError: The cursor is not one this API wrote.
    """
    if not cursor:
        return 0
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.isdigit():
        raise QueryError("Invalid pageCursor")
    return int(text)


def highlight(text: str, terms: Sequence[str]) -> str:
    """``text`` with the words of ``terms`` wrapped in :data:`PRE_TAG` and :data:`POST_TAG`."""
    wanted = set(terms)
    out: list[str] = []
    last = 0
    for start, end, _word in word_spans(text):
        if (
            wanted.intersection(camel_parts(text[start:end]))
            or text[start:end].casefold() in wanted
        ):
            out.extend((text[last:start], PRE_TAG, text[start:end], POST_TAG))
            last = end
    out.append(text[last:])
    return "".join(out)


def _highlight_fields(hit: SearchHit) -> dict[str, str]:
    fields: dict[str, str] = {}
    for match in hit.matches:
        key = _HIGHLIGHT_FIELDS.get(match.field, match.field)
        marked = highlight(match.text, match.terms)
        fields[key] = f"{fields[key]}, {marked}" if key in fields else marked
    if "title" not in fields and hit.title is None and "name" in fields:
        fields["title"] = fields["name"]
    return fields


def _match_json(match: FieldMatch) -> dict[str, Any]:
    return {"field": match.field, "text": match.text, "terms": list(match.terms)}


def document_of_hit(hit: SearchHit) -> dict[str, Any]:
    """The ``CatalogEntityDocument`` of a hit, as Backstage's catalog collator writes it."""
    text_parts = [hit.description or ""]
    if hit.kind.lower() in ("user", "group") and hit.title:
        text_parts.append(hit.title)
    entity_type = hit.type or "other"
    return {
        "title": hit.title or hit.name,
        "text": " : ".join(part for part in text_parts if part),
        "location": f"/catalog/{hit.namespace}/{hit.kind}/{hit.name}".lower(),
        "kind": hit.kind,
        "namespace": hit.namespace,
        "name": hit.name,
        "owner": hit.owner or "",
        "lifecycle": hit.lifecycle or "",
        "type": entity_type,
        "componentType": entity_type,
        "authorization": {"resourceRef": hit.entity_ref},
    }


def result_of_hit(hit: SearchHit, rank: int) -> dict[str, Any]:
    """One item of ``results``."""
    return {
        "type": DOCUMENT_TYPE,
        "document": document_of_hit(hit),
        "rank": rank,
        "highlight": {
            "preTag": PRE_TAG,
            "postTag": POST_TAG,
            "fields": _highlight_fields(hit),
        },
        "matches": [_match_json(m) for m in hit.matches],
        "score": hit.score,
    }


def create_search_router(index: SearchIndexHandle, *, api_tokens: Sequence[str] = ()) -> APIRouter:
    """Build the search API router, to mount at ``/api/search``.

    Args:
        index: What answers the queries (a :class:`~catalog_store.search.CatalogSearch`
            in a server, so every query sees the catalog's recent changes).
        api_tokens: Accepted bearer tokens; when non-empty every endpoint requires
            ``Authorization: Bearer <token>`` with one of them, as the catalog API does.

    Returns:
        The router.
    """
    router = APIRouter(route_class=route_class_for(api_tokens))

    @router.get("/query")
    def query(request: Request) -> Response:
        """Backstage's ``GET /query`` of the search backend."""
        try:
            term, types, filters, cursor, limit_text = _params(request)
            parsed = _query(term, filters)
            limit = _page_limit(limit_text)
            page_number = decode_page_cursor(cursor)
            offset = page_number * limit
            if offset > MAX_OFFSET:
                raise QueryError(f"Invalid pageCursor, pages end after {MAX_OFFSET} results")
        except QueryError as exc:
            return error_response(request, 400, str(exc), "InputError")
        if types is not None and DOCUMENT_TYPE not in types:
            return json_response({"results": [], "numberOfResults": 0})
        page = index.search(parsed, limit=limit, offset=offset)
        body: dict[str, Any] = {
            "results": [result_of_hit(hit, offset + i + 1) for i, hit in enumerate(page.hits)],
            "numberOfResults": page.total,
        }
        if offset + limit < page.total:
            body["nextPageCursor"] = encode_page_cursor(page_number + 1)
        if page_number > 0:
            body["previousPageCursor"] = encode_page_cursor(page_number - 1)
        return json_response(body)

    return router
