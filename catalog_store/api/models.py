"""Request bodies of the catalog API, as Backstage's OpenAPI spec defines them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class LocationInput(BaseModel):
    """``POST /locations``: the location to register."""

    model_config = ConfigDict(extra="forbid")

    type: str
    target: str
    presence: Literal["required", "optional"] | None = None


class RefreshRequest(BaseModel):
    """``POST /refresh``: the entity to refresh."""

    model_config = ConfigDict(extra="forbid")

    entityRef: str
    authorizationToken: str | None = None


class EntitiesByRefsRequest(BaseModel):
    """``POST /entities/by-refs``: refs to fetch, optionally with fields and a predicate."""

    entityRefs: list[str]
    fields: list[str] | None = None
    query: dict[str, Any] | None = None


class OrderBy(BaseModel):
    """One sort directive of a predicate query."""

    field: str
    order: Literal["asc", "desc"] = "asc"


class FullTextFilterBody(BaseModel):
    """A full-text filter of a predicate query."""

    term: str | None = None
    fields: list[str] | None = None


class QueryEntitiesByPredicateRequest(BaseModel):
    """``POST /entities/by-query``: a first request, or a cursor and maybe a new limit."""

    cursor: str | None = None
    limit: int | None = Field(default=None, ge=0)
    offset: int | None = Field(default=None, ge=0)
    orderBy: list[OrderBy] | None = None
    orderField: list[str] | None = None
    fullTextFilter: FullTextFilterBody | None = None
    fields: list[str] | None = None
    query: dict[str, Any] | None = None
    totalItems: Literal["include", "exclude"] | None = None


class EntityFacetsRequest(BaseModel):
    """``POST /entity-facets``: facets to count over the entities a predicate keeps."""

    facets: list[str]
    query: dict[str, Any] | None = None


class LocationsQueryRequest(BaseModel):
    """``POST /locations/by-query``: a predicate over locations, or a cursor."""

    cursor: str | None = None
    limit: int | None = Field(default=None, ge=1)
    query: dict[str, Any] | None = None
