"""Entity read endpoints: lists, paged queries, single entities, batches, facets, ancestry."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker

from catalog_store.api.models import (
    EntitiesByRefsRequest,
    EntityFacetsRequest,
    QueryEntitiesByPredicateRequest,
)
from catalog_store.api.params import (
    entity_key,
    parse_int,
    parse_order_field_params,
    parse_order_params,
    split_commas,
)
from catalog_store.api.responses import entity_list_response, json_response, next_link
from catalog_store.catalog_writer import CatalogInputError, NotFoundError
from catalog_store.queries.ancestry import entity_ancestry
from catalog_store.queries.cursor import (
    FullTextFilter,
    OrderField,
    QueryCursor,
    decode_query_cursor,
)
from catalog_store.queries.entity_queries import (
    entities_by_refs,
    entity_by_key,
    entity_by_uid,
    entity_facets,
    list_entity_ids,
    parse_after,
)
from catalog_store.queries.entity_reader import build_entities, load_rows_by_id
from catalog_store.queries.facet_cache import ChangeKeyedCache
from catalog_store.queries.fields import Fields, parse_fields
from catalog_store.queries.filters import FilterNode, combine, parse_filter_params
from catalog_store.queries.predicates import parse_predicate
from catalog_store.queries.query_pages import initial_cursor, query_page

StringList = Annotated[list[str] | None, Query()]
FilterParam = Annotated[list[str] | None, Query(alias="filter")]


def _page_bounds(
    offset: str | None, limit: str | None, after: str | None
) -> tuple[int | None, int | None]:
    offset_n = parse_int(offset, "offset")
    limit_n = parse_int(limit, "limit")
    if offset_n is not None and offset_n < 0:
        raise CatalogInputError("Invalid offset, must be zero or greater")
    if limit_n is not None and limit_n <= 0:
        raise CatalogInputError("Invalid limit, must be greater than zero")
    if after is not None:
        after_limit, after_offset = parse_after(after)
        limit_n = after_limit if after_limit is not None else limit_n
        offset_n = after_offset if after_offset is not None else offset_n
    return offset_n, limit_n


def _total_flag(value: str | None) -> bool:
    if value is None or value == "include":
        return True
    if value == "exclude":
        return False
    raise CatalogInputError("Invalid totalItems, must be include or exclude")


def add_entity_routes(router: APIRouter, sessions: sessionmaker[Session]) -> None:
    """Register the entity read endpoints on ``router``."""
    facet_cache = ChangeKeyedCache()

    def facets_response(facets: list[str], node: FilterNode | None) -> Response:
        with sessions() as session:
            counts = facet_cache.get_or_compute(
                session, (tuple(facets), node), lambda: entity_facets(session, facets, node)
            )
        return json_response({"facets": counts})

    def run_query(
        state: QueryCursor,
        fields: Fields | None,
        limit: int | None,
        offset: int | None = None,
        count_total: bool = True,
    ) -> Response:
        with sessions() as session:
            page = query_page(session, state, limit=limit, offset=offset, count_total=count_total)
            items = build_entities(session, load_rows_by_id(session, page.ids), fields)
        page_info = {}
        if page.next_cursor:
            page_info["nextCursor"] = page.next_cursor
        if page.prev_cursor:
            page_info["prevCursor"] = page.prev_cursor
        return json_response(
            {"items": items, "totalItems": page.total_items, "pageInfo": page_info}
        )

    @router.get("/entities")
    def get_entities(
        request: Request,
        filters: FilterParam = None,
        fields: StringList = None,
        order: StringList = None,
        offset: str | None = None,
        limit: str | None = None,
        after: str | None = None,
    ) -> Response:
        """Entities matching the filters, optionally sorted, paged and projected."""
        node = parse_filter_params(filters or [])
        selection = parse_fields(fields or [])
        directives = parse_order_params(order)
        offset_n, limit_n = _page_bounds(offset, limit, after)
        with sessions() as session:
            page = list_entity_ids(
                session, filter_node=node, order=directives, offset=offset_n, limit=limit_n
            )
            headers = {"Link": next_link(request, page.next_after)} if page.next_after else {}
            return entity_list_response(sessions, session, page.ids, selection, headers)

    @router.get("/entities/by-query")
    def get_entities_by_query(
        filters: FilterParam = None,
        fields: StringList = None,
        limit: str | None = None,
        offset: str | None = None,
        order_field: Annotated[list[str] | None, Query(alias="orderField")] = None,
        cursor: str | None = None,
        total_items: Annotated[str | None, Query(alias="totalItems")] = None,
        term: Annotated[str | None, Query(alias="fullTextFilterTerm")] = None,
        term_fields: Annotated[list[str] | None, Query(alias="fullTextFilterFields")] = None,
    ) -> Response:
        """A page of entities, Backstage's ``queryEntities`` with query-string parameters."""
        selection = parse_fields(fields or [])
        limit_n = parse_int(limit, "limit")
        if cursor is not None:
            return run_query(decode_query_cursor(cursor), selection, limit_n)
        text_fields = split_commas(term_fields)
        state = initial_cursor(
            filter_strings=filters,
            order_fields=parse_order_field_params(order_field),
            full_text=FullTextFilter(term, tuple(text_fields) or None) if term else None,
        )
        offset_n = parse_int(offset, "offset")
        return run_query(state, selection, limit_n, offset_n, _total_flag(total_items))

    @router.post("/entities/by-query")
    def query_entities_by_predicate(
        body: QueryEntitiesByPredicateRequest | None = None,
    ) -> Response:
        """A page of entities, Backstage's ``queryEntities`` with a predicate body."""
        body = body or QueryEntitiesByPredicateRequest()
        selection = parse_fields(body.fields or [])
        if body.cursor is not None:
            return run_query(decode_query_cursor(body.cursor), selection, body.limit)
        if body.orderBy is not None:
            order = [OrderField(o.field, o.order) for o in body.orderBy]
        else:
            order = parse_order_field_params(body.orderField)
        text = body.fullTextFilter
        state = initial_cursor(
            query=body.query,
            order_fields=order,
            full_text=FullTextFilter(text.term, tuple(text.fields) if text.fields else None)
            if text is not None and text.term
            else None,
        )
        return run_query(state, selection, body.limit, body.offset, _total_flag(body.totalItems))

    @router.get("/entities/by-uid/{uid}")
    def get_entity_by_uid(uid: str) -> Response:
        """One entity by uid."""
        with sessions() as session:
            row = entity_by_uid(session, uid)
            if row is None:
                raise NotFoundError(f"No entity with uid {uid}")
            return json_response(build_entities(session, [row])[0])

    @router.get("/entities/by-name/{kind}/{namespace}/{name}")
    def get_entity_by_name(kind: str, namespace: str, name: str) -> Response:
        """One entity by kind, namespace and name, case-insensitively."""
        with sessions() as session:
            row = entity_by_key(session, entity_key(kind, namespace, name))
            if row is None:
                raise NotFoundError(
                    f"No entity named '{name}' found, with kind '{kind}' in namespace '{namespace}'"
                )
            return json_response(build_entities(session, [row])[0])

    @router.get("/entities/by-name/{kind}/{namespace}/{name}/ancestry")
    def get_entity_ancestry(kind: str, namespace: str, name: str) -> Response:
        """The entity and the Location entities that led to it."""
        with sessions() as session:
            return json_response(entity_ancestry(session, entity_key(kind, namespace, name)))

    @router.post("/entities/by-refs")
    def get_entities_by_refs(
        body: EntitiesByRefsRequest, filters: FilterParam = None, fields: StringList = None
    ) -> Response:
        """Entities for a list of refs, in the same order, null where missing."""
        predicate = parse_predicate(body.query) if body.query is not None else None
        node = combine(parse_filter_params(filters or []), predicate)
        selection = parse_fields([*(fields or []), *(body.fields or [])])
        with sessions() as session:
            rows = entities_by_refs(session, body.entityRefs, node)
            present = [row for row in rows if row is not None]
            built = iter(build_entities(session, present, selection))
            items = [None if row is None else next(built) for row in rows]
        return json_response({"items": items})

    @router.get("/entity-facets")
    def get_entity_facets(facet: StringList = None, filters: FilterParam = None) -> Response:
        """Entity counts per value of each facet."""
        facets = [f for f in facet or [] if f]
        return facets_response(facets, parse_filter_params(filters or []))

    @router.post("/entity-facets")
    def query_entity_facets(body: EntityFacetsRequest) -> Response:
        """Entity counts per value of each facet, over the entities a predicate keeps."""
        node = parse_predicate(body.query) if body.query is not None else None
        return facets_response([f for f in body.facets if f], node)
