"""Callboard's generic run event format, for any CI or deployment tool.

The body is one JSON object that satisfies
:data:`~workflows.webhooks.generic_schema.GENERIC_EVENT_SCHEMA` (documented in
``examples/notifications/generic.md``). The sender signs ``f"{timestamp}.{body}"`` with
HMAC-SHA256 and sends ``X-Callboard-Signature: sha256=<hex>`` and
``X-Callboard-Timestamp: <unix seconds>``; a timestamp more than five minutes from now is
refused, so a captured delivery cannot be replayed later.

The run is identified by the sending system's name and its run id together, so two
systems that number their runs alike do not mix.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from workflows.runs.events import PlanCounts, RunEvent, RunKind, RunStatus, derived_event_id
from workflows.terraform import (
    PlanFormatError,
    render_plan_text,
    render_stream_text,
    summarize_plan,
    summarize_stream,
)
from workflows.webhooks.delivery import InboundDelivery
from workflows.webhooks.errors import describe, malformed
from workflows.webhooks.fields import first_line, links, parse_timestamp
from workflows.webhooks.generic_schema import GENERIC_EVENT_SCHEMA
from workflows.webhooks.verify import check_timestamped_hmac

SOURCE = "generic"
SIGNATURE_HEADER = "X-Callboard-Signature"
TIMESTAMP_HEADER = "X-Callboard-Timestamp"

_VALIDATOR = Draft202012Validator(GENERIC_EVENT_SCHEMA)
_STATUSES = {status.value: status for status in RunStatus}


def verify(headers: Mapping[str, str], body: bytes, secret: str, now: datetime) -> None:
    """Check the timestamped ``X-Callboard-Signature`` and the five-minute window."""
    check_timestamped_hmac(
        headers,
        signature_header=SIGNATURE_HEADER,
        timestamp_header=TIMESTAMP_HEADER,
        secret=secret,
        body=body,
        now=now,
    )


def sign(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The headers a sender attaches to ``body`` signed at ``timestamp`` (unix seconds)."""
    digest = hmac.new(
        secret.encode("utf-8"), str(timestamp).encode("ascii") + b"." + body, hashlib.sha256
    ).hexdigest()
    return {SIGNATURE_HEADER: f"sha256={digest}", TIMESTAMP_HEADER: str(timestamp)}


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _schema_problem(error: Any) -> str:
    """A short message for a schema violation that names the field and never echoes it."""
    path = _path(error.absolute_path)
    where = path or "the body"
    kind = error.validator
    if kind == "required":
        missing = next(key for key in error.validator_value if key not in error.instance)
        return f"{_path([*error.absolute_path, missing])}: required"
    if kind == "additionalProperties":
        allowed = error.schema.get("properties", {})
        extra = sorted(key for key in error.instance if key not in allowed)
        return f"{where}: unexpected field {describe(extra[0])}" if extra else f"{where}: invalid"
    if kind == "type":
        expected = error.validator_value
        names = expected if isinstance(expected, list) else [expected]
        return f"{where}: expected {' or '.join(names)}"
    if kind == "enum":
        return f"{where}: must be one of {', '.join(map(str, error.validator_value))}"
    if kind == "const":
        return f"{where}: must be {error.validator_value}"
    if kind == "maxLength":
        return f"{where}: longer than {error.validator_value} characters"
    if kind == "minLength":
        return f"{where}: must not be empty"
    if kind == "pattern":
        return f"{where}: has an invalid format"
    if kind == "maxItems":
        return f"{where}: more than {error.validator_value} items"
    if kind in ("minimum", "maximum"):
        return f"{where}: out of range"
    return f"{where}: invalid"


def _text(payload: dict[str, Any], key: str) -> str | None:
    value: str | None = payload.get(key)
    return (value or "").strip() or None


def _terraform_summary(payload: dict[str, Any]) -> tuple[PlanCounts | None, str | None]:
    """Plan counts and the thread summary of ``terraform_plan`` or ``terraform_log``.

    Raises:
        WebhookError: 400 when the plan or the log cannot be read.
    """
    plan = payload.get("terraform_plan")
    log = payload.get("terraform_log")
    try:
        if plan is not None:
            summary = summarize_plan(plan)
            return summary.counts, render_plan_text(summary)
        if log is not None:
            stream = summarize_stream(log)
            return stream.counts, render_stream_text(stream)
    except PlanFormatError as exc:
        field = "terraform_plan" if plan is not None else "terraform_log"
        raise malformed(f"{field}: {exc}") from exc
    return None, None


def translate(payload: dict[str, Any]) -> InboundDelivery:
    """The run event of one generic delivery.

    Raises:
        WebhookError: 400 naming the field when the payload does not satisfy the schema or
            ``occurred_at`` is not a timestamp.
    """
    error = best_match(_VALIDATOR.iter_errors(payload))
    if error is not None:
        raise malformed(_schema_problem(error))
    source_name: str = payload["source"]
    run_id = f"{source_name}/{payload['run_id']}"
    status_text: str = payload["status"]
    status = _STATUSES.get(status_text.strip().lower(), RunStatus.UNKNOWN)
    occurred_at = parse_timestamp(payload["occurred_at"], "occurred_at")
    sender_event_id: str | None = payload.get("event_id")
    if sender_event_id is not None:
        event_id = derived_event_id(SOURCE, source_name, sender_event_id)
    else:
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        event_id = derived_event_id(SOURCE, canonical)
    counts = payload.get("plan_counts")
    plan, summary = _terraform_summary(payload)
    event = RunEvent(
        source=SOURCE,
        run_id=run_id,
        kind=RunKind(payload["kind"]),
        status=status,
        raw_status=_text(payload, "raw_status") or status_text,
        occurred_at=occurred_at,
        event_id=event_id,
        component=_text(payload, "component"),
        environment=_text(payload, "environment"),
        title=_text(payload, "title"),
        actor=_text(payload, "actor"),
        commit=_text(payload, "commit"),
        commit_message=first_line(payload.get("commit_message")),
        links=links(*((link["label"], link["url"]) for link in payload.get("links") or ())),
        plan=PlanCounts(**counts) if counts is not None else plan,
        detail=_text(payload, "detail"),
        summary=summary,
    )
    return InboundDelivery(SOURCE, sender_event_id, (event,))
