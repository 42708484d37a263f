"""An in-memory :class:`CatalogWriter` that records what the API asked of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from catalog_store.catalog_writer import (
    AddLocationResult,
    CatalogInputError,
    ConflictError,
    LocationInfo,
    NotFoundError,
    ProcessingError,
)


@dataclass
class FakeWriter:
    """Locations in a dict; entity refs and uids it knows; every call recorded."""

    locations: dict[str, LocationInfo] = field(default_factory=dict)
    entities_by_target: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    known_refs: set[str] = field(default_factory=set)
    known_uids: set[str] = field(default_factory=set)
    location_of_entity: dict[str, str] = field(default_factory=dict)
    calls: list[tuple[str, Any]] = field(default_factory=list)
    next_id: int = 1

    def add_location(self, *, type: str, target: str, dry_run: bool = False) -> AddLocationResult:
        self.calls.append(("add_location", (type, target, dry_run)))
        if type not in ("url", "file"):
            raise CatalogInputError(f"Unknown location type {type}")
        existing = [
            loc for loc in self.locations.values() if (loc.type, loc.target) == (type, target)
        ]
        entities = list(self.entities_by_target.get(target, []))
        if target.endswith("broken.yaml"):
            return AddLocationResult(
                LocationInfo("dry", type, target),
                [],
                errors=[ProcessingError(target, "bad yaml", line=3)],
            )
        if dry_run:
            location = existing[0] if existing else LocationInfo("dry-run", type, target)
            return AddLocationResult(location, entities, exists=bool(existing))
        if existing:
            raise ConflictError(f"Location {type}:{target} already exists")
        location = LocationInfo(f"loc-{self.next_id}", type, target)
        self.next_id += 1
        self.locations[location.id] = location
        return AddLocationResult(location, entities)

    def list_locations(self) -> list[LocationInfo]:
        self.calls.append(("list_locations", None))
        return list(self.locations.values())

    def get_location(self, location_id: str) -> LocationInfo:
        self.calls.append(("get_location", location_id))
        if location_id not in self.locations:
            raise NotFoundError(f"Found no location with ID {location_id}")
        return self.locations[location_id]

    def get_location_by_entity(self, entity_ref: str) -> LocationInfo:
        self.calls.append(("get_location_by_entity", entity_ref))
        location_id = self.location_of_entity.get(entity_ref)
        if location_id is None or location_id not in self.locations:
            raise NotFoundError(f"found no location for {entity_ref}")
        return self.locations[location_id]

    def delete_location(self, location_id: str) -> None:
        self.calls.append(("delete_location", location_id))
        if self.locations.pop(location_id, None) is None:
            raise NotFoundError(f"Found no location with ID {location_id}")

    def refresh_entity(self, entity_ref: str) -> None:
        self.calls.append(("refresh_entity", entity_ref))
        if entity_ref not in self.known_refs:
            raise NotFoundError(f"No entity {entity_ref}")

    def delete_entity(self, uid: str) -> None:
        self.calls.append(("delete_entity", uid))
        if uid not in self.known_uids:
            raise NotFoundError(f"No entity with uid {uid}")
        self.known_uids.discard(uid)

    def validate_entity(self, entity: Mapping[str, Any], location: str) -> list[ProcessingError]:
        self.calls.append(("validate_entity", (dict(entity), location)))
        spec = entity.get("spec")
        if entity.get("kind") == "Component" and not (
            isinstance(spec, Mapping) and spec.get("owner")
        ):
            return [ProcessingError(location, "must have required property 'owner'", field="spec")]
        return []
