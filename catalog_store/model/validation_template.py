"""The ``spec`` rules of scaffolder Templates (``Template.v1beta3.schema.json``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalog_store.model.validation_checks import (
    ErrorCollector,
    FieldRules,
    Path,
    any_object,
    list_of,
    object_with,
    string,
    string_or_boolean,
    text,
    type_name,
)

_PERMISSIONS = object_with({"tags": (list_of(string), False)})
_PARAMETER_STEP = object_with({"backstage:permissions": (_PERMISSIONS, False)})


def _parameters(errors: ErrorCollector, value: Any, path: Path) -> None:
    """Check ``spec.parameters``: one form step (an object) or a list of them."""
    if isinstance(value, list | tuple):
        list_of(_PARAMETER_STEP)(errors, value, path)
    elif isinstance(value, Mapping):
        _PARAMETER_STEP(errors, value, path)
    else:
        errors.add(path, f"must be an object or a list of objects (got {type_name(value)})")


_STEP = object_with(
    {
        "id": (string, False),
        "name": (string, False),
        "action": (string, True),
        "input": (any_object, False),
        "if": (string_or_boolean, False),
        "backstage:permissions": (_PERMISSIONS, False),
    }
)
_DECORATOR = object_with({"id": (string, False), "input": (any_object, False)})
_OUTPUT_LINK = object_with(
    {
        "if": (string_or_boolean, False),
        "url": (text, False),
        "entityRef": (text, False),
        "title": (text, False),
        "icon": (text, False),
    }
)
_OUTPUT_TEXT = object_with(
    {
        "if": (string_or_boolean, False),
        "title": (text, False),
        "icon": (text, False),
        "content": (string, False),
    }
)
_OUTPUT = object_with(
    {"links": (list_of(_OUTPUT_LINK), False), "text": (list_of(_OUTPUT_TEXT), False)},
    other=string,
)
_BUTTON_LABELS = object_with(
    {
        "backButtonText": (string, False),
        "createButtonText": (string, False),
        "reviewButtonText": (string, False),
    }
)

TEMPLATE_SPEC: FieldRules = {
    "type": (text, True),
    "owner": (text, False),
    "lifecycle": (text, False),
    "parameters": (_parameters, False),
    "secrets": (object_with({"schema": (any_object, False)}), False),
    "presentation": (object_with({"buttonLabels": (_BUTTON_LABELS, False)}), False),
    "EXPERIMENTAL_recovery": (
        object_with({"EXPERIMENTAL_strategy": (string, False)}),
        False,
    ),
    "formDecorators": (list_of(_DECORATOR), False),
    "EXPERIMENTAL_formDecorators": (list_of(_DECORATOR), False),
    "steps": (list_of(_STEP), True),
    "output": (_OUTPUT, False),
}
"""Field rules of a v1beta3 Template's ``spec``."""
