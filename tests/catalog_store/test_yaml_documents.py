"""Reading catalog YAML safely, the way Backstage reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from catalog_store.yaml_documents import (
    MAX_NODES_PER_DOCUMENT,
    CatalogLoader,
    LineIndex,
    YamlError,
    decode_text,
    load_documents,
)


def test_yaml_1_2_scalars_stay_as_written() -> None:
    (doc,) = load_documents("a: on\nb: 2024-01-01\nc: yes\nd: true\ne: 1:20\nf: 42\n")
    assert doc.data == {"a": "on", "b": "2024-01-01", "c": "yes", "d": True, "e": "1:20", "f": 42}


def test_multi_document_files_drop_empty_documents() -> None:
    docs = load_documents("---\na: 1\n---\n---\nb: 2\n")
    assert [(d.index, d.data) for d in docs] == [(0, {"a": 1}), (2, {"b": 2})]


def test_malformed_yaml_names_the_line() -> None:
    with pytest.raises(YamlError) as raised:
        load_documents("a: 1\nb: [1, 2\nc: 3\n")
    assert raised.value.line == 3 and "invalid YAML" in raised.value.message


def test_alias_bombs_and_recursive_anchors_are_refused_quickly() -> None:
    bomb = (
        "a: &a ["
        + ",".join(["x"] * 10)
        + "]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n"
            for i in range(8)
        )
    )
    with pytest.raises(YamlError, match="alias bomb"):
        load_documents(bomb)
    with pytest.raises(YamlError, match="nested deeper"):
        load_documents("a: &a [*a]\n")


def test_documents_past_the_budget_without_aliases_are_refused() -> None:
    items = MAX_NODES_PER_DOCUMENT - 1
    assert len(load_documents("[" + ",".join(["x"] * items) + "]")[0].data) == items
    with pytest.raises(YamlError, match="more than 200000 nodes"):
        load_documents("[" + ",".join(["x"] * (items + 1)) + "]")
    with pytest.raises(YamlError, match="more than 200000 nodes"):
        load_documents("a: {" + ",".join(f"k{i}: [x]" for i in range(items // 2 + 1)) + "}")


@pytest.mark.parametrize(
    "text", ["? !!binary aGk=\n: x\n", "a:\n  ? !!timestamp 2024-01-01\n  : x\n"]
)
def test_keys_that_are_not_plain_scalars_are_refused(text: str) -> None:
    with pytest.raises(YamlError, match="mapping keys must be plain scalars"):
        load_documents(text)


def test_a_document_is_walked_again_only_when_aliases_or_library_nodes_could_hide_its_size() -> (
    None
):
    def read(text: str) -> CatalogLoader:
        loader = CatalogLoader(text)
        loader.get_single_data()
        return loader

    plain = read("a: [x, 1, true, null]\nb: {c: d}\n")
    assert (plain.nodes, plain.shared) == (8, False)
    for text in (
        "a: &x [1]\nb: *x\n",
        "a: {<<: {b: 1}}\n",
        "a: !!set {x}\n",
        "? !!binary aGk=\n: x\n",
    ):
        assert read(text).shared, text


def test_binary_and_non_utf8_content_is_refused() -> None:
    with pytest.raises(YamlError, match="binary"):
        decode_text(b"\x00\x01\x02")
    with pytest.raises(YamlError, match="UTF-8"):
        decode_text(b"name: caf\xe9\n")
    assert decode_text("\ufeffa: 1".encode()) == "a: 1"


def test_lines_of_fields_and_of_missing_fields() -> None:
    text = (
        "apiVersion: v1\nkind: Component\n---\n"
        "metadata:\n  name: x\n  tags:\n    - a\n    - b\nspec:\n  type: service\n"
    )
    lines = LineIndex(text)
    assert lines.line(1, ("metadata", "tags", 1)) == 8
    assert lines.line(1, ("spec", "owner")) == 9
    assert lines.line(1, ()) == 4
    assert lines.line(5, ("spec",)) is None


def test_a_line_index_of_raw_bytes_decodes_them_only_when_asked() -> None:
    text = "kind: Component\n---\nkind: API\nspec:\n  owner: team-a\n"
    from_bytes = LineIndex(b"\xef\xbb\xbf" + text.encode())
    assert from_bytes.line(1, ["spec", "owner"]) == LineIndex(text).line(1, ["spec", "owner"])
    assert from_bytes.line(1, ["spec", "owner"]) == 5
    assert LineIndex(b"\xff\xfe not utf-8").line(0) is None


class _LibraryLoader(yaml.CSafeLoader):
    """PyYAML's own safe loader with the catalog's scalar rules: the reference."""


_LibraryLoader.yaml_implicit_resolvers = CatalogLoader.yaml_implicit_resolvers


def _read(loader: type, text: str) -> tuple[str, str]:
    """What a loader makes of ``text``: the documents' repr, or the error it raises."""
    try:
        return ("ok", repr(list(yaml.load_all(text, Loader=loader))))
    except yaml.YAMLError as exc:
        return ("error", f"{type(exc).__name__}: {exc}")


EDGE_CASES = {
    "scalars": "a: [1, -2, +3, 012, 0x1f, 0o7, 1_000, 1e3, 2.5, .inf, -.nan, on, yes, True, "
    "FALSE, null, ~, Null, '', \"q\", 2024-01-01, 1:20]\n",
    "keys": "1: a\n2.5: b\ntrue: c\nnull: d\n~: e\n'x': f\n",
    "duplicate keys": "a: 1\na: 2\nb: {c: 1, c: 2}\n",
    "aliases": "a: &x {b: [1, &y [c]]}\nc: *x\nd: *y\ne: [*x, *y]\n",
    "recursive": "a: &a [*a, {b: *a}]\nm: &m {self: *m}\n",
    "merge keys": "base: &b {x: 1, y: 2}\nd: {<<: *b, y: 3}\ne: {<<: [*b, {z: 4}], w: 5}\n",
    "value key": "a: {=: 1, b: 2}\n",
    "explicit tags": "a: !!str 5\nb: !!int '7'\nc: !!float '1'\nd: !!binary aGVsbG8=\n"
    "e: !!set {x, y}\nf: !!omap [{a: 1}, {b: 2}]\ng: !!pairs [{a: 1}]\nh: !!timestamp 2024-01-01\n"
    "i: !!null ''\nj: !!bool 'true'\nk: !!map {x: 1}\nl: !!seq [1]\n",
    "unknown tag": "a: !custom x\n",
    "python tag": "a: !!python/object:os.system x\n",
    "unhashable key": "? [1, 2]\n: x\n",
    "mapping key": "? {a: 1}\n: x\n",
    "empty and nested": "---\n---\na:\n  b:\n    c: [[], {}, [[{}]]]\n---\n- 1\n",
    "strings": "a: |\n  line\n  two\nb: >\n  folded\n  text\nc: 'it''s'\nd: \"\\u00e9\\n\"\n",
}


@pytest.mark.parametrize("case", sorted(EDGE_CASES))
def test_documents_read_as_the_library_reads_them(case: str) -> None:
    assert _read(CatalogLoader, EDGE_CASES[case]) == _read(_LibraryLoader, EDGE_CASES[case])


def test_aliases_give_the_same_object_as_the_library_does() -> None:
    (data,) = yaml.load_all(EDGE_CASES["aliases"], Loader=CatalogLoader)
    assert data["c"] is data["a"] and data["d"] is data["a"]["b"][1]
    assert data["e"][0] is data["a"] and data["e"][1] is data["d"]
    (data,) = yaml.load_all(EDGE_CASES["recursive"], Loader=CatalogLoader)
    assert data["a"][0] is data["a"] and data["a"][1]["b"] is data["a"]
    assert data["m"]["self"] is data["m"]


def test_every_shared_fixture_reads_as_the_library_reads_it(shared_fixtures: Path) -> None:
    files = [
        path
        for pattern in ("*.yaml", "*.yml")
        for path in sorted(shared_fixtures.rglob(pattern))
        if path.is_file()
    ]
    assert len(files) > 100
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert _read(CatalogLoader, text) == _read(_LibraryLoader, text), path
