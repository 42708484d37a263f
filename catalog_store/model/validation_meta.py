"""Validation of ``metadata``: the EntityMeta schema plus Backstage's field format policy."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from catalog_store.model.validation_checks import (
    ErrorCollector,
    Path,
    as_list,
    as_object,
    as_text,
    shown,
)
from catalog_store.model.validation_formats import (
    BLANK_RULE,
    ENTITY_NAME_RULE,
    KEY_RULE,
    LABEL_VALUE_RULE,
    NAMESPACE_RULE,
    TAG_RULE,
    URL_RULE,
    is_non_blank,
    is_valid_dns_label,
    is_valid_entity_name,
    is_valid_key,
    is_valid_label_value,
    is_valid_tag,
    is_valid_url,
)

_LINK_TEXT_FIELDS = ("title", "icon", "type")


def _formatted(
    errors: ErrorCollector,
    value: Any,
    path: Path,
    is_valid: Callable[[str], bool],
    rule: str,
    *,
    allow_empty: bool = False,
) -> None:
    text = as_text(errors, value, path, allow_empty=allow_empty)
    if text is not None and not is_valid(text):
        errors.add(path, f"{rule} (got {shown(text)})")


def _string_map(
    errors: ErrorCollector,
    value: Any,
    path: Path,
    is_valid_value: Callable[[str], bool] | None,
) -> None:
    mapping = as_object(errors, value, path)
    if mapping is None:
        return
    for key, item in mapping.items():
        item_path = (*path, str(key))
        if not isinstance(key, str):
            errors.add(item_path, "key must be a string")
        elif not is_valid_key(key):
            errors.add(item_path, f"key {KEY_RULE} (got {shown(key)})")
        if is_valid_value is None:
            as_text(errors, item, item_path, allow_empty=True)
        else:
            _formatted(errors, item, item_path, is_valid_value, LABEL_VALUE_RULE, allow_empty=True)


def _tags(errors: ErrorCollector, value: Any, path: Path) -> None:
    tags = as_list(errors, value, path)
    for index, tag in enumerate(tags or ()):
        _formatted(errors, tag, (*path, index), is_valid_tag, TAG_RULE)


def _links(errors: ErrorCollector, value: Any, path: Path) -> None:
    links = as_list(errors, value, path)
    for index, entry in enumerate(links or ()):
        link_path = (*path, index)
        link = as_object(errors, entry, link_path)
        if link is None:
            continue
        if "url" in link:
            _formatted(errors, link["url"], (*link_path, "url"), is_valid_url, URL_RULE)
        else:
            errors.add((*link_path, "url"), "required")
        for field in _LINK_TEXT_FIELDS:
            if field not in link:
                continue
            field_path = (*link_path, field)
            if field == "title":
                _formatted(errors, link[field], field_path, is_non_blank, BLANK_RULE)
            elif field == "icon":
                _formatted(errors, link[field], field_path, is_valid_entity_name, ENTITY_NAME_RULE)
            else:
                as_text(errors, link[field], field_path)


def validate_metadata(errors: ErrorCollector, metadata: Mapping[str, Any], path: Path) -> None:
    """Check an entity's metadata object.

    Args:
        errors: Where to record errors.
        metadata: The ``metadata`` mapping.
        path: Its location, normally ``("metadata",)``.
    """
    if "name" in metadata:
        _formatted(
            errors, metadata["name"], (*path, "name"), is_valid_entity_name, ENTITY_NAME_RULE
        )
    else:
        errors.add((*path, "name"), "required")
    if "namespace" in metadata:
        _formatted(
            errors, metadata["namespace"], (*path, "namespace"), is_valid_dns_label, NAMESPACE_RULE
        )
    for field in ("uid", "etag", "title"):
        if field in metadata:
            as_text(errors, metadata[field], (*path, field))
    if "description" in metadata:
        as_text(errors, metadata["description"], (*path, "description"), allow_empty=True)
    if "labels" in metadata:
        _string_map(errors, metadata["labels"], (*path, "labels"), is_valid_label_value)
    if "annotations" in metadata:
        _string_map(errors, metadata["annotations"], (*path, "annotations"), None)
    if "tags" in metadata:
        _tags(errors, metadata["tags"], (*path, "tags"))
    if "links" in metadata:
        _links(errors, metadata["links"], (*path, "links"))
