"""The ``spec`` rules of Callboard's ``Schedule`` kind (``callboard.dev/v1alpha1``).

A schedule's spec is checked as a whole (time zones, handoffs, members, overlapping
overrides, times of the week nobody covers) by the on-call package, which owns the kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from catalog_store.model.validation_checks import ErrorCollector, FieldRules

SCHEDULE_KIND = "schedule"
SCHEDULE_API_VERSION = "callboard.dev/v1alpha1"

SCHEDULE_SPEC: FieldRules = MappingProxyType({})
"""The marker rules of a Schedule spec: no per-field rules, see :func:`check_schedule_spec`."""


def check_schedule_spec(errors: ErrorCollector, spec: Mapping[str, Any]) -> None:
    """Record every problem of a Schedule's spec, each at its field (``spec.layers[0]...``).

    Args:
        errors: Where to record the problems.
        spec: The ``spec`` mapping.
    """
    # Imported here: the on-call package builds on the model, so the model loads it late.
    from catalog_store.oncall.schedule_spec import schedule_spec_errors

    for error in schedule_spec_errors(spec):
        errors.add(error.path_parts, error.message)
