"""Mutating and location endpoints, served through the :class:`CatalogWriter` protocol."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response

from catalog_store.api.models import LocationInput, LocationsQueryRequest, RefreshRequest
from catalog_store.api.params import entity_key, parse_yes_no, ref_to_key
from catalog_store.api.responses import json_response
from catalog_store.catalog_writer import (
    CatalogInputError,
    CatalogWriter,
    ConflictError,
    ProcessingError,
)
from catalog_store.queries.location_queries import query_locations


def _problem(name: str, message: str) -> dict[str, str]:
    return {"name": name, "message": message}


def _envelope_problems(body: Any) -> list[dict[str, str]]:
    """Backstage's checks of a ``validate-entity`` body before processing it."""
    if not isinstance(body, Mapping):
        return [_problem("InputError", "Malformed request: expected a JSON object body")]
    location = body.get("location")
    if not isinstance(location, str):
        return [_problem("InputError", "Malformed request: location must be a string")]
    entity = body.get("entity")
    if not isinstance(entity, Mapping):
        return [_problem("TypeError", "Malformed envelope, entity must be an object")]
    for field in ("apiVersion", "kind"):
        if not isinstance(entity.get(field), str) or not entity.get(field):
            return [_problem("TypeError", f"Malformed envelope, /{field} must be a string")]
    metadata = entity.get("metadata")
    if not isinstance(metadata, Mapping):
        return [_problem("TypeError", "Malformed envelope, /metadata must be an object")]
    if not isinstance(metadata.get("name"), str) or not metadata.get("name"):
        return [
            _problem(
                "TypeError", "Malformed envelope, /metadata must have required property 'name'"
            )
        ]
    location_type, sep, target = location.partition(":")
    if not sep or not location_type or not target:
        return [
            _problem(
                "TypeError",
                f"Unable to parse location ref '{location}', expected '<type>:<target>', "
                "e.g. 'url:https://host/path'",
            )
        ]
    return []


def _processing_problem(error: ProcessingError) -> dict[str, str]:
    text = f"{error.field}: {error.message}" if error.field else error.message
    return _problem("InputError", text)


def add_location_routes(router: APIRouter, writer: CatalogWriter) -> None:
    """Register the location, refresh, delete and validation endpoints on ``router``."""

    @router.post("/locations")
    def create_location(
        body: LocationInput,
        dry_run_param: Annotated[str | None, Query(alias="dryRun")] = None,
        on_conflict: Annotated[str | None, Query(alias="onConflict")] = None,
    ) -> Response:
        """Register a location (or with ``dryRun`` only read it) and process it."""
        if on_conflict not in (None, "reject", "refresh"):
            raise CatalogInputError("Invalid onConflict, must be reject or refresh")
        dry_run = parse_yes_no(dry_run_param)
        try:
            result = writer.add_location(type=body.type, target=body.target, dry_run=dry_run)
        except ConflictError:
            if on_conflict != "refresh":
                raise
            same = [
                loc
                for loc in writer.list_locations()
                if loc.type == body.type and loc.target == body.target
            ]
            if not same:
                raise
            return json_response(
                {"location": same[0].as_json(), "entities": [], "exists": True}, 201
            )
        if dry_run and result.errors:
            raise CatalogInputError("; ".join(str(error) for error in result.errors))
        output: dict[str, Any] = {
            "location": result.location.as_json(),
            "entities": result.entities,
        }
        if dry_run or result.exists:
            output["exists"] = result.exists
        return json_response(output, 201)

    @router.get("/locations")
    def list_locations() -> Response:
        """Every registered location, each wrapped as ``{"data": location}``."""
        return json_response([{"data": loc.as_json()} for loc in writer.list_locations()])

    @router.post("/locations/by-query")
    def query_locations_endpoint(body: LocationsQueryRequest | None = None) -> Response:
        """A page of locations matching a predicate over ``id``, ``type`` and ``target``."""
        body = body or LocationsQueryRequest()
        page = query_locations(
            writer.list_locations(), cursor=body.cursor, limit=body.limit, query=body.query
        )
        page_info = {"nextCursor": page.next_cursor} if page.next_cursor else {}
        return json_response(
            {
                "items": [loc.as_json() for loc in page.items],
                "totalItems": page.total_items,
                "pageInfo": page_info,
            }
        )

    @router.get("/locations/by-entity/{kind}/{namespace}/{name}")
    def get_location_by_entity(kind: str, namespace: str, name: str) -> Response:
        """The registered location that provides an entity."""
        return json_response(
            writer.get_location_by_entity(entity_key(kind, namespace, name)).as_json()
        )

    @router.get("/locations/{location_id}")
    def get_location(location_id: str) -> Response:
        """One location by id."""
        return json_response(writer.get_location(location_id).as_json())

    @router.delete("/locations/{location_id}")
    def delete_location(location_id: str) -> Response:
        """Remove a location and the entities it provided."""
        writer.delete_location(location_id)
        return Response(status_code=204)

    @router.delete("/entities/by-uid/{uid}")
    def delete_entity(uid: str) -> Response:
        """Delete one entity (it comes back if its location still holds it)."""
        writer.delete_entity(uid)
        return Response(status_code=204)

    @router.post("/refresh")
    def refresh_entity(body: RefreshRequest) -> Response:
        """Re-process the location that provides an entity."""
        writer.refresh_entity(ref_to_key(body.entityRef))
        return Response(status_code=200)

    @router.post("/validate-entity")
    def validate_entity(body: Annotated[Any, Body()] = None) -> Response:
        """Check an entity as ingestion would; 400 with ``{"errors": [...]}`` if invalid."""
        problems = _envelope_problems(body)
        if not problems:
            try:
                errors = writer.validate_entity(body["entity"], body["location"])
            except CatalogInputError as exc:
                problems = [_problem("InputError", str(exc))]
            else:
                problems = [_processing_problem(error) for error in errors]
        if problems:
            return json_response({"errors": problems}, 400)
        return Response(status_code=200)
