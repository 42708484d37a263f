"""What a location remembers of each file it read, and the errors it reports.

A file record keeps the file's content hash (and those of the files its placeholders
read), the Location targets it named, the entities it produced and its own errors, so
an unchanged file can be skipped without losing any of that.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from catalog_store.catalog_writer import ProcessingError
from catalog_store.db.tables import LocationFileRow, ProcessingErrorRow
from catalog_store.ingest.crawler import PreviousFile
from catalog_store.ingest.file_processing import LocationTarget
from catalog_store.ingest.row_inserts import insert_rows

FILE_TABLE = cast(Table, LocationFileRow.__table__)
FILE_COLUMNS = (
    "location_id",
    "address",
    "content_hash",
    "dependencies",
    "targets",
    "entity_refs",
    "errors",
)


def load_previous_files(session: Session, location_id: str) -> dict[str, PreviousFile]:
    """The file records of a location, by address."""
    rows = session.execute(
        select(LocationFileRow).where(LocationFileRow.location_id == location_id)
    ).scalars()
    return {
        row.address: PreviousFile(
            content_hash=row.content_hash,
            dependencies=row.dependencies or {},
            targets=[LocationTarget(type=t[0], target=t[1], line=t[2]) for t in row.targets or []],
            entity_refs=list(row.entity_refs or []),
            errors=[ProcessingError(**e) for e in row.errors or []],
        )
        for row in rows
    }


def save_file_record(
    session: Session,
    location_id: str,
    address: str,
    *,
    content_hash: str,
    targets: Sequence[LocationTarget],
    refs: Sequence[str],
    errors: Sequence[ProcessingError],
    dependencies: dict[str, str] | None = None,
) -> None:
    """Insert or update the record of one file."""
    values = file_record_values(
        content_hash=content_hash,
        targets=targets,
        refs=refs,
        errors=errors,
        dependencies=dependencies,
    )
    updated = session.execute(
        update(LocationFileRow)
        .where(LocationFileRow.location_id == location_id, LocationFileRow.address == address)
        .values(**values)
    )
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        session.execute(
            insert(LocationFileRow).values(location_id=location_id, address=address, **values)
        )


def file_record_values(
    *,
    content_hash: str,
    targets: Sequence[LocationTarget],
    refs: Sequence[str],
    errors: Sequence[ProcessingError],
    dependencies: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The stored values of a file record, apart from its location and address."""
    return {
        "content_hash": content_hash,
        "dependencies": dependencies or {},
        "targets": [[t.type, t.target, t.line] for t in targets],
        "entity_refs": sorted(set(refs)),
        "errors": [error_json(e) for e in errors],
    }


def insert_file_records(
    session: Session, location_id: str, records: Sequence[tuple[str, dict[str, Any]]]
) -> None:
    """Insert records of files the location had no record of: ``(address, values)`` pairs,
    values from :func:`file_record_values`."""
    insert_rows(
        session,
        FILE_TABLE,
        FILE_COLUMNS,
        [
            (location_id, address, *(values[name] for name in FILE_COLUMNS[2:]))
            for address, values in records
        ],
    )


def mark_file_stale(
    session: Session, location_id: str, address: str, errors: Sequence[ProcessingError]
) -> None:
    """Make a file be read again next time, with ``errors`` added to its own."""
    where = (LocationFileRow.location_id == location_id, LocationFileRow.address == address)
    stored = session.scalar(select(LocationFileRow.errors).where(*where)) or []
    session.execute(
        update(LocationFileRow)
        .where(*where)
        .values(content_hash="", errors=[*stored, *(error_json(e) for e in errors)])
    )


def delete_file_records(session: Session, location_id: str, addresses: Sequence[str]) -> None:
    """Forget files the location no longer reaches."""
    for start in range(0, len(addresses), 900):
        session.execute(
            delete(LocationFileRow).where(
                LocationFileRow.location_id == location_id,
                LocationFileRow.address.in_(addresses[start : start + 900]),
            )
        )


def replace_location_errors(
    session: Session, location_id: str, errors: Sequence[ProcessingError], now: datetime
) -> None:
    """Make the stored errors of a location exactly ``errors`` (no write when equal)."""
    wanted = sorted({error_key(e): e for e in errors}.items())
    stored = session.execute(
        select(
            ProcessingErrorRow.address,
            ProcessingErrorRow.message,
            ProcessingErrorRow.line,
            ProcessingErrorRow.field,
            ProcessingErrorRow.entity_ref,
        ).where(ProcessingErrorRow.location_id == location_id)
    ).all()
    if sorted(error_key(ProcessingError(**r._asdict())) for r in stored) == [k for k, _ in wanted]:
        return
    session.execute(delete(ProcessingErrorRow).where(ProcessingErrorRow.location_id == location_id))
    if wanted:
        session.execute(
            insert(ProcessingErrorRow),
            [{"location_id": location_id, "created_at": now, **error_json(e)} for _, e in wanted],
        )


def error_json(error: ProcessingError) -> dict[str, Any]:
    """A processing error as stored JSON."""
    return {
        "address": error.address,
        "message": error.message,
        "line": error.line,
        "field": error.field,
        "entity_ref": error.entity_ref,
    }


def error_key(error: ProcessingError) -> tuple[str, str, int, str, str]:
    """A sortable identity of an error."""
    return (
        error.address,
        error.message,
        error.line or 0,
        error.field or "",
        error.entity_ref or "",
    )
