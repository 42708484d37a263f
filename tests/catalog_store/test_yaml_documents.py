"""Reading catalog YAML safely, the way Backstage reads it."""

from __future__ import annotations

import pytest

from catalog_store.yaml_documents import LineIndex, YamlError, decode_text, load_documents


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
