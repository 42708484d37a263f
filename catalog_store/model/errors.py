"""Field-level validation errors of catalog entities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PathPart = str | int
"""One step of a field path: a mapping key or a list index."""


def format_path(parts: Sequence[PathPart]) -> str:
    """Render path parts as a dotted path with list indexes.

    Mapping keys are joined with dots and kept as written, so a key that itself
    contains dots (``backstage.io/techdocs-ref``) stays readable after its map's name.

    Args:
        parts: The path, e.g. ``("metadata", "tags", 2)``.

    Returns:
        The dotted path, e.g. ``"metadata.tags[2]"``; ``""`` for the entity itself.
    """
    out: list[str] = []
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif out:
            out.append(f".{part}")
        else:
            out.append(part)
    return "".join(out)


@dataclass(frozen=True, slots=True, init=False, eq=False)
class FieldError:
    """One problem with one field of an entity.

    The path is kept as parts (``path_parts``) so that a caller can walk to the
    matching YAML node; ``path`` is its rendered, dotted form.

    Attributes:
        path_parts: The field's location, e.g. ``("spec", "owner")`` or
            ``("metadata", "tags", 2)``; empty for the entity as a whole.
        message: A short, human explanation, e.g. ``"required"``.
    """

    path_parts: tuple[PathPart, ...]
    message: str

    def __init__(self, path: str | Sequence[PathPart], message: str) -> None:
        """Create an error at a path given as parts or as an already rendered string.

        Args:
            path: Path parts such as ``("spec", "owner")``, or a rendered path such as
                ``"spec.owner"`` (kept as a single part).
            message: What is wrong with the field.
        """
        parts: tuple[PathPart, ...] = (path,) if isinstance(path, str) else tuple(path)
        object.__setattr__(self, "path_parts", parts)
        object.__setattr__(self, "message", message)

    @property
    def path(self) -> str:
        """The dotted field path, e.g. ``"metadata.tags[2]"``."""
        return format_path(self.path_parts)

    def __str__(self) -> str:
        """Return ``"<path>: <message>"``, or the message alone for the whole entity."""
        path = self.path
        return f"{path}: {self.message}" if path else self.message

    def __repr__(self) -> str:
        """Return a constructor-like representation."""
        return f"FieldError({self.path!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        """Errors are equal when their rendered path and message are equal."""
        if not isinstance(other, FieldError):
            return NotImplemented
        return self.path == other.path and self.message == other.message

    def __hash__(self) -> int:
        """Hash consistently with equality."""
        return hash((self.path, self.message))
