"""The write side of the catalog, as the API and the command line see it.

``catalog_store.ingest.service.CatalogService`` implements this protocol; the REST API
depends only on the protocol so it can be tested with any implementation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class CatalogInputError(ValueError):
    """The caller's request is wrong (HTTP 400 InputError)."""


class NotFoundError(LookupError):
    """The thing asked for does not exist (HTTP 404 NotFoundError)."""


class ConflictError(RuntimeError):
    """The request conflicts with the catalog's state (HTTP 409 ConflictError)."""


@dataclass(frozen=True, slots=True)
class LocationInfo:
    """A registered location in Backstage's API shape: ``{id, type, target}``."""

    id: str
    type: str
    target: str

    def as_json(self) -> dict[str, str]:
        """Backstage's ``Location`` JSON."""
        return {"id": self.id, "type": self.type, "target": self.target}


@dataclass(frozen=True, slots=True)
class ProcessingError:
    """An error found while reading a file or an entity: where, which field, what."""

    address: str
    message: str
    line: int | None = None
    field: str | None = None
    entity_ref: str | None = None

    def __str__(self) -> str:
        where = self.address if self.line is None else f"{self.address}:{self.line}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}"


@dataclass(slots=True)
class AddLocationResult:
    """What ``POST /locations`` answers: the location and the entities it produced."""

    location: LocationInfo
    entities: list[dict[str, Any]] = field(default_factory=list)
    exists: bool = False
    errors: list[ProcessingError] = field(default_factory=list)


class CatalogWriter(Protocol):
    """Mutations of the catalog."""

    def add_location(self, *, type: str, target: str, dry_run: bool = False) -> AddLocationResult:
        """Register (or with ``dry_run`` only read) a location and process it at once.

        Raises:
            CatalogInputError: unknown type, bad target.
            ConflictError: the location is already registered (not raised for dry runs).
        """
        ...

    def list_locations(self) -> list[LocationInfo]:
        """Every registered location."""
        ...

    def get_location(self, location_id: str) -> LocationInfo:
        """One location. Raises NotFoundError."""
        ...

    def get_location_by_entity(self, entity_ref: str) -> LocationInfo:
        """The root location that provides an entity. Raises NotFoundError."""
        ...

    def delete_location(self, location_id: str) -> None:
        """Remove a location and the entities it provided. Raises NotFoundError."""
        ...

    def refresh_entity(self, entity_ref: str) -> None:
        """Re-process the location that provides the entity. Raises NotFoundError."""
        ...

    def delete_entity(self, uid: str) -> None:
        """Delete one entity by uid (it comes back if its location still holds it).

        Raises:
            NotFoundError: no entity has that uid.
        """
        ...

    def validate_entity(self, entity: Mapping[str, Any], location: str) -> list[ProcessingError]:
        """Check an entity as ingestion would, without storing anything."""
        ...
