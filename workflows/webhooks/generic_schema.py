"""The JSON Schema of the generic run event format (version 1).

``examples/notifications/generic.schema.json`` is this schema, for senders to validate
against; a test keeps the two equal.
"""

from __future__ import annotations

from typing import Any

from workflows.runs.events import RunKind, RunStatus

_SHORT = 200


def _optional_text(description: str, max_length: int = _SHORT) -> dict[str, Any]:
    return {"type": ["string", "null"], "maxLength": max_length, "description": description}


GENERIC_EVENT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://callboard.dev/schemas/run-event-v1.json",
    "title": "Callboard run event",
    "description": (
        "One report about a deployment, terraform run or CI workflow run, sent to "
        "Callboard's generic webhook."
    ),
    "type": "object",
    "required": ["source", "run_id", "kind", "status", "occurred_at"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1, "description": "The format version; 1 when absent."},
        "event_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": _SHORT,
            "description": (
                "Unique per event within the source system; a retried delivery sends the "
                "same id. Derived from the content when absent."
            ),
        },
        "source": {
            "type": "string",
            "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
            "description": "The system reporting the run: jenkins, gitlab-ci, buildkite ...",
        },
        "run_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": _SHORT,
            "description": "The run's id within the source; every event of a run repeats it.",
        },
        "kind": {
            "enum": [kind.value for kind in RunKind],
            "description": "What kind of run this is.",
        },
        "status": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "description": (
                "Where the run is, in Callboard's words: "
                + ", ".join(status.value for status in RunStatus)
                + ". Any other value is recorded as unknown and does not move the run."
            ),
            "examples": [status.value for status in RunStatus if status is not RunStatus.UNKNOWN],
        },
        "raw_status": _optional_text(
            "The status in the source system's own words, shown beside the status.", 64
        ),
        "occurred_at": {
            "type": "string",
            "format": "date-time",
            "maxLength": 64,
            "description": "When it happened (ISO 8601; UTC when it has no offset).",
        },
        "component": _optional_text("The catalog component: a name or an entity ref."),
        "environment": _optional_text("Where it runs or deploys: production, staging ..."),
        "title": _optional_text("A one-line name for the run."),
        "actor": _optional_text("Who triggered it."),
        "commit": _optional_text("The commit sha.", 100),
        "commit_message": _optional_text("The commit's message (its first line is shown).", 1000),
        "links": {
            "type": "array",
            "maxItems": 10,
            "description": "Links to show, the run's page first.",
            "items": {
                "type": "object",
                "required": ["label", "url"],
                "additionalProperties": False,
                "properties": {
                    "label": {"type": "string", "minLength": 1, "maxLength": 100},
                    "url": {"type": "string", "maxLength": 2000, "pattern": "^https?://[^\\s]+$"},
                },
            },
        },
        "plan_counts": {
            "type": "object",
            "description": "For terraform runs: what the plan would do.",
            "additionalProperties": False,
            "properties": {
                name: {"type": "integer", "minimum": 0, "maximum": 1_000_000}
                for name in ("add", "change", "destroy", "replace", "imported")
            },
        },
        "detail": _optional_text("Longer text for the run's thread: a summary, an error.", 10_000),
        "terraform_plan": {
            "type": "object",
            "description": (
                "For terraform runs: the plan as `terraform show -json` prints it; Callboard "
                "posts its summary (counts, resources by action, drift; sensitive values "
                "left out) in the run's thread."
            ),
        },
        "terraform_log": {
            "type": "string",
            "maxLength": 900_000,
            "description": (
                "For terraform runs: the machine-readable log of `terraform plan -json` or "
                "`terraform apply -json` (one JSON object a line); Callboard posts its "
                "summary (counts, errors with their diagnostics) in the run's thread."
            ),
        },
    },
}
"""The schema every generic delivery must satisfy."""
