"""Safe YAML reading for catalog files.

Catalog files are read with libyaml under YAML 1.2 core-schema rules (``on``/``yes`` stay
strings, dates stay strings), so they read the way Backstage reads them. Every document is
checked against a node budget, so an alias bomb or a self-referencing anchor fails with a
clear error at bounded cost. Line numbers are found on demand, only for files that have
errors, by walking the composed node tree along a field path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

MAX_NODES_PER_DOCUMENT = 200_000
MAX_DEPTH = 64

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SPECIAL_KEY_TAGS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})


class CatalogLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """libyaml's safe loader with YAML 1.2 core-schema scalars.

    Catalog files are almost entirely plain strings, mappings and lists. Those are built
    directly from the composed nodes; every other node (numbers, booleans, nulls, explicit
    tags, merge keys, non-scalar keys) goes through the library's own constructors, so a
    document reads exactly as PyYAML's safe loader reads it, only without its per-node
    bookkeeping. Nodes reached again through an alias give the same object again, as in
    the library.
    """

    nodes = 0
    """How many nodes the last document has: its root, and each value and item once."""
    shared = False
    """Whether the last document reuses a node through an alias, or has nodes the library
    built (merge keys, explicit tags): then only a walk of its data tells its expanded size
    and whether its keys are plain."""

    def construct_document(self, node: yaml.Node) -> Any:
        self.nodes = 1
        self.shared = False
        try:
            return self._build(node, 0)
        finally:
            self.constructed_objects: dict[yaml.Node, Any] = {}
            self.recursive_objects: dict[yaml.Node, None] = {}
            self.state_generators: list[Any] = []
            self.deep_construct = False

    def _build(self, node: yaml.Node, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise _too_deep()
        kind = node.__class__
        if kind is yaml.ScalarNode:
            if node.tag == _STR:
                return node.value
            return self.construct_object(node, deep=True)
        built = self.constructed_objects.get(node)
        if built is not None:
            self.shared = True
            return built
        if kind is yaml.MappingNode and node.tag == _MAP:
            pairs = node.value
            for key_node, _value_node in pairs:
                if key_node.__class__ is not yaml.ScalarNode or key_node.tag in _SPECIAL_KEY_TAGS:
                    return self._library(node)
            mapping: dict[Any, Any] = {}
            self.constructed_objects[node] = mapping
            self.nodes += len(pairs)
            for key_node, value_node in pairs:
                if key_node.tag == _STR:
                    key = key_node.value
                else:
                    key = self.construct_object(key_node, deep=True)
                    if not isinstance(key, str | int | float | bool) and key is not None:
                        self.shared = True
                mapping[key] = self._build(value_node, depth + 1)
            return mapping
        if kind is yaml.SequenceNode and node.tag == _SEQ:
            items: list[Any] = []
            self.constructed_objects[node] = items
            self.nodes += len(node.value)
            for item_node in node.value:
                items.append(self._build(item_node, depth + 1))
            return items
        return self._library(node)

    def _library(self, node: yaml.Node) -> Any:
        self.shared = True
        return self.construct_object(node, deep=True)

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: Any) -> str:
        """The tag of an untagged node, by the implicit resolvers of the first character.

        The library's resolver does the same, plus path resolvers, which this loader has
        none of.
        """
        if kind is yaml.ScalarNode:
            if implicit[0]:
                text = value or ""
                for tag, regexp in self.yaml_implicit_resolvers.get(text[:1], ()):
                    if regexp.match(text):
                        return str(tag)
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """Path resolvers are not used."""

    def ascend_resolver(self) -> None:
        """Path resolvers are not used."""


CatalogLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag
        not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int")
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
CatalogLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
CatalogLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)


class YamlError(ValueError):
    """A file that is not valid YAML, or is too large or deep to read safely."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """One document of a (possibly multi-document) YAML file."""

    index: int
    data: Any


def decode_text(raw: bytes) -> str:
    """Decode file content as UTF-8 text, refusing binary content."""
    if b"\x00" in raw[:8192]:
        raise YamlError("not a text file (binary content)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlError(f"not a UTF-8 text file (byte {exc.start})") from None


def load_documents(text: str) -> list[YamlDocument]:
    """Parse every document of ``text``; empty documents are dropped.

    Raises:
        YamlError: with the 1-based line of the problem when the YAML is malformed, or
            when a document expands past the node budget (alias bombs, recursive anchors).
    """
    documents: list[YamlDocument] = []
    loader = CatalogLoader(text)
    try:
        index = 0
        while loader.check_data():
            data = loader.get_data()
            if data is not None:
                if loader.shared or loader.nodes > MAX_NODES_PER_DOCUMENT:
                    _check_budget(data)
                documents.append(YamlDocument(index=index, data=data))
            index += 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise YamlError(f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlError("invalid YAML: nesting too deep") from None
    finally:
        loader.dispose()
    return documents


def _too_deep() -> YamlError:
    return YamlError(f"document nested deeper than {MAX_DEPTH} levels (a recursive alias?)")


def _check_budget(data: Any) -> None:
    """Walk ``data`` as if aliases were expanded, stopping at the node budget."""
    budget = MAX_NODES_PER_DOCUMENT
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise YamlError(
                f"document too large: more than {MAX_NODES_PER_DOCUMENT} nodes once aliases "
                "are expanded (an alias bomb?)"
            )
        if depth > MAX_DEPTH:
            raise _too_deep()
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str | int | float | bool) and key is not None:
                    raise YamlError("mapping keys must be plain scalars")
                stack.append((value, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)


class LineIndex:
    """Finds the lines of fields in a file's documents; composes the file once, on first use.

    It may be given the file's raw bytes, which are decoded only if a line is asked for.
    """

    def __init__(self, text: str | bytes) -> None:
        self._text: str | bytes | None = text
        self._roots: list[yaml.Node | None] | None = None

    def line(self, document_index: int, path: Sequence[str | int] = ()) -> int | None:
        """The 1-based line of the deepest node of ``path`` that exists in the document.

        For a missing field this is the line of its parent's key, so ``spec.owner: required``
        points at ``spec:``. None when the text cannot be composed.
        """
        if self._roots is None:
            try:
                text = self._text or ""
                if isinstance(text, bytes):
                    text = decode_text(text)
                self._roots = list(yaml.compose_all(text, Loader=CatalogLoader))
            except (YamlError, yaml.YAMLError, RecursionError):
                self._roots = []
            self._text = None
        if 0 <= document_index < len(self._roots):
            return _walk(self._roots[document_index], path)
        return None


def locate_line(text: str, document_index: int, path: Sequence[str | int]) -> int | None:
    """One-off form of :meth:`LineIndex.line`."""
    return LineIndex(text).line(document_index, path)


def _walk(node: yaml.Node | None, path: Sequence[str | int]) -> int | None:
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in path:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                    line = key_node.start_mark.line + 1
                    child = value_node
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            return line
        node = child
    return line
