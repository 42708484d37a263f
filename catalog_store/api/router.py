"""The catalog REST API, compatible with Backstage's catalog backend.

Mount it with ``app.include_router(create_catalog_router(...), prefix="/api/catalog")``
and call :func:`catalog_store.api.errors.install_error_handlers` on the application so
that errors carry Backstage's error body. Reads run on the given session factory;
every mutation goes through the :class:`CatalogWriter`.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter
from sqlalchemy.orm import Session, sessionmaker

from catalog_store.api.auth import route_class_for
from catalog_store.api.entity_routes import add_entity_routes
from catalog_store.api.location_routes import add_location_routes
from catalog_store.catalog_writer import CatalogWriter


def create_catalog_router(
    *,
    sessions: sessionmaker[Session],
    writer: CatalogWriter,
    api_tokens: Sequence[str] = (),
) -> APIRouter:
    """Build the catalog API router.

    Args:
        sessions: Session factory of the catalog database (used for reads only).
        writer: The catalog's write side: locations, refresh, deletes, validation.
        api_tokens: Accepted bearer tokens; when non-empty every endpoint requires
            ``Authorization: Bearer <token>`` with one of them (401 otherwise).

    Returns:
        A router with Backstage's catalog endpoints, to mount at ``/api/catalog``.
    """
    router = APIRouter(route_class=route_class_for(api_tokens))
    add_entity_routes(router, sessions)
    add_location_routes(router, writer)
    return router
