"""Plain multi-row inserts for the write path, without the ORM's per-row bookkeeping."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert plain rows (values in ``columns`` order) with one ``executemany``.

    On SQLite the statement goes straight to the driver, which skips SQLAlchemy's per-row
    parameter processing; only columns whose type converts values (dates, JSON) are
    converted, with the dialect's own converters. Other databases take SQLAlchemy's
    batched multi-row ``INSERT``.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    for position, name in enumerate(columns):
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            converters.append((position, _repeating(processor)))
    if converters:
        converted: list[Sequence[Any]] = []
        for row in rows:
            values = list(row)
            for position, convert in converters:
                values[position] = convert(values[position])
            converted.append(tuple(values))
        rows = converted
    preparer = dialect.identifier_preparer
    names = ", ".join(preparer.quote(name) for name in columns)
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES ({marks})"
    connection.exec_driver_sql(statement, list(rows))


def _repeating(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert``, answering again without converting when given the same object again.

    A batch's rows share their timestamps (one ``now`` per write), so each is converted once.
    """
    last: list[Any] = [_NOTHING, None]

    def converted(value: Any) -> Any:
        if value is not last[0]:
            last[0] = value
            last[1] = convert(value)
        return last[1]

    return converted


_NOTHING = object()
