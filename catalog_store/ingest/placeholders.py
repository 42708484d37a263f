"""Backstage's placeholders: ``$text``, ``$json``, ``$yaml``, ``$openapi`` and ``$asyncapi``.

A mapping with exactly one key naming a known placeholder is replaced by the content of
the file it points at, resolved relative to the file being read. Every file read is
recorded with its content hash, so a change in it makes the including file stale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import yaml

from catalog_store.ingest.sources import SourceError, SourceTree
from catalog_store.yaml_documents import YamlError, decode_text, load_documents

PLACEHOLDERS = ("text", "json", "yaml", "openapi", "asyncapi")
MAX_PLACEHOLDERS_PER_FILE = 100

_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class PlaceholderError(Exception):
    """A placeholder that cannot be resolved; ``path`` is the field that holds it."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


Reader = Callable[[str, str], tuple[str, bytes]]
"""Reads ``target`` relative to ``base`` and answers ``(address, content)``."""


def tree_reader(tree: SourceTree, fallback: SourceTree | None = None) -> Reader:
    """A reader resolving targets in ``tree``; absolute http(s) targets go to ``fallback``."""

    def read(target: str, base: str) -> tuple[str, bytes]:
        source = tree
        if target.startswith(("http://", "https://")) and tree.location_type != "url":
            if fallback is None:
                raise SourceError(f"{target}: reading URLs is not enabled for this location")
            source = fallback
        addresses = source.resolve(target, relative_to=base)
        if len(addresses) != 1:
            raise SourceError(f"{target}: a placeholder must name exactly one file")
        return addresses[0], source.read(addresses[0])

    return read


class PlaceholderResolver:
    """Resolves the placeholders of one file's documents, remembering what it read.

    A resolver built with ``enabled=False`` (for a file whose text holds no ``$``) hands
    documents back unchanged without walking them.
    """

    def __init__(
        self, reader: Reader, base: str, *, skip_remote: bool = False, enabled: bool = True
    ) -> None:
        self._reader = reader
        self._enabled = enabled
        self._base = base
        self._skip_remote = skip_remote
        self.dependencies: dict[str, str] = {}
        self.skipped: list[tuple[str | int, ...]] = []

    def resolve(self, data: Any, path: tuple[str | int, ...] = ()) -> Any:
        """``data`` with its placeholders replaced.

        Raises:
            PlaceholderError: a placeholder's file is missing, unreadable or malformed.
        """
        if not self._enabled:
            return data
        return self._resolve(data, path)

    def _resolve(self, data: Any, path: tuple[str | int, ...]) -> Any:
        if isinstance(data, dict):
            if len(data) == 1:
                ((key, value),) = data.items()
                if isinstance(key, str) and key.startswith("$") and key[1:] in PLACEHOLDERS:
                    return self._substitute(key[1:], value, path)
            return {k: self._resolve(v, (*path, str(k))) for k, v in data.items()}
        if isinstance(data, list):
            return [self._resolve(item, (*path, index)) for index, item in enumerate(data)]
        return data

    def _substitute(self, kind: str, target: Any, path: tuple[str | int, ...]) -> Any:
        if not isinstance(target, str) or not target:
            raise PlaceholderError(path, f"${kind} needs a file or URL as a string")
        if self._skip_remote and target.startswith(("http://", "https://")):
            self.skipped.append(path)
            return "" if kind in ("text", "openapi", "asyncapi") else {}
        if len(self.dependencies) >= MAX_PLACEHOLDERS_PER_FILE:
            raise PlaceholderError(path, f"more than {MAX_PLACEHOLDERS_PER_FILE} placeholders")
        try:
            address, raw = self._reader(target, self._base)
        except SourceError as exc:
            raise PlaceholderError(path, f"${kind} could not be resolved: {exc}") from None
        self.dependencies[address] = hashlib.sha256(raw).hexdigest()
        try:
            text = decode_text(raw)
            if kind == "text":
                return text
            if kind == "json":
                return json.loads(text)
            documents = load_documents(text)
            content = documents[0].data if documents else None
            if kind == "yaml":
                return content
            if not isinstance(content, dict):
                raise PlaceholderError(path, f"${kind} {target}: not an {kind} document")
            return yaml.dump(content, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
        except (YamlError, json.JSONDecodeError) as exc:
            raise PlaceholderError(path, f"${kind} {target}: {exc}") from None
