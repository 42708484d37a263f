"""The ``spec`` rules of Backstage's built-in kinds, from each kind's JSON schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalog_store.model.validation_checks import (
    TEXT_LIST,
    ErrorCollector,
    FieldRules,
    Path,
    check_fields,
    list_of,
    object_with,
    one_of,
    text,
)
from catalog_store.model.validation_schedule import (
    SCHEDULE_API_VERSION,
    SCHEDULE_KIND,
    SCHEDULE_SPEC,
    check_schedule_spec,
)
from catalog_store.model.validation_template import TEMPLATE_SPEC

BACKSTAGE_API_VERSIONS = frozenset({"backstage.io/v1alpha1", "backstage.io/v1beta1"})
TEMPLATE_API_VERSION = "scaffolder.backstage.io/v1beta3"

REMOTE_API_TYPES = frozenset({"mcp-server", "ai-model-server"})
"""API spec types that describe their endpoints in ``remotes`` instead of a ``definition``."""

_PROFILE = object_with(
    {"displayName": (text, False), "email": (text, False), "picture": (text, False)}
)
_REMOTES = list_of(object_with({"type": (text, True), "url": (text, True)}), min_items=1)

_COMPONENT: FieldRules = {
    "type": (text, True),
    "lifecycle": (text, True),
    "owner": (text, True),
    "system": (text, False),
    "subcomponentOf": (text, False),
    "providesApis": (TEXT_LIST, False),
    "consumesApis": (TEXT_LIST, False),
    "dependsOn": (TEXT_LIST, False),
    "dependencyOf": (TEXT_LIST, False),
}
_API: FieldRules = {
    "type": (text, True),
    "lifecycle": (text, True),
    "owner": (text, True),
    "definition": (text, True),
    "system": (text, False),
}
_REMOTE_API: FieldRules = {
    "type": (text, True),
    "lifecycle": (text, True),
    "owner": (text, True),
    "remotes": (_REMOTES, True),
    "system": (text, False),
}
_RESOURCE: FieldRules = {
    "type": (text, True),
    "owner": (text, True),
    "dependsOn": (TEXT_LIST, False),
    "dependencyOf": (TEXT_LIST, False),
    "system": (text, False),
}
_SYSTEM: FieldRules = {"owner": (text, True), "domain": (text, False), "type": (text, False)}
_DOMAIN: FieldRules = {"owner": (text, True), "subdomainOf": (text, False), "type": (text, False)}
_GROUP: FieldRules = {
    "type": (text, True),
    "profile": (_PROFILE, False),
    "parent": (text, False),
    "children": (TEXT_LIST, True),
    "members": (TEXT_LIST, False),
}
_USER: FieldRules = {"profile": (_PROFILE, False), "memberOf": (TEXT_LIST, True)}
_LOCATION: FieldRules = {
    "type": (text, False),
    "target": (text, False),
    "targets": (TEXT_LIST, False),
    "presence": (one_of(("required", "optional")), False),
}

_SPEC_RULES: Mapping[str, FieldRules] = {
    "component": _COMPONENT,
    "api": _API,
    "resource": _RESOURCE,
    "system": _SYSTEM,
    "domain": _DOMAIN,
    "group": _GROUP,
    "user": _USER,
    "location": _LOCATION,
    "template": TEMPLATE_SPEC,
}

KNOWN_KINDS: frozenset[str] = frozenset(_SPEC_RULES)
"""Lower-case names of the built-in kinds whose ``spec`` has rules."""


def spec_rules_for(kind: str, api_version: str, spec: Any) -> FieldRules | None:
    """Pick the ``spec`` rules that apply to an entity, if any.

    Args:
        kind: The entity's kind (compared case-insensitively).
        api_version: The entity's apiVersion; a built-in kind only has rules for the
            apiVersions its schema names.
        spec: The entity's spec, which selects the API variant by ``type``.

    Returns:
        The rules, or None for unknown kinds and unknown apiVersions.
    """
    kind_key = kind.lower()
    if kind_key == SCHEDULE_KIND:
        return SCHEDULE_SPEC if api_version == SCHEDULE_API_VERSION else None
    rules = _SPEC_RULES.get(kind_key)
    if rules is None:
        return None
    if kind_key == "template":
        return rules if api_version == TEMPLATE_API_VERSION else None
    if api_version not in BACKSTAGE_API_VERSIONS:
        return None
    if kind_key == "api" and isinstance(spec, Mapping):
        spec_type = spec.get("type")
        if isinstance(spec_type, str) and spec_type in REMOTE_API_TYPES:
            return _REMOTE_API
    return rules


def validate_spec(errors: ErrorCollector, spec: Mapping[str, Any], rules: FieldRules) -> None:
    """Check a kind's spec object against its rules.

    Args:
        errors: Where to record errors.
        spec: The ``spec`` mapping.
        rules: The rules from :func:`spec_rules_for`.
    """
    if rules is SCHEDULE_SPEC:
        check_schedule_spec(errors, spec)
        return
    path: Path = ("spec",)
    check_fields(errors, spec, path, rules)
