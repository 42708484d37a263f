"""Terraform plans and runs summarised for people: counts, the resources that change
(replacements and destroys first), drift, errors and outputs, with sensitive values never
kept, and rendered as Slack ``mrkdwn`` text within a size limit.

Plans come from ``terraform show -json <planfile>`` (:func:`summarize_plan`,
:func:`summarize_plan_json`); runs from the ``terraform plan -json`` / ``apply -json``
streams (:func:`summarize_stream`, or a :class:`StreamSummarizer` fed line by line to
follow a live run).
"""

from workflows.terraform.changes import (
    ACTION_ORDER,
    AttributeChange,
    ChangeAction,
    Diagnostic,
    OutputChange,
    ResourceChange,
    ResourceOutcome,
)
from workflows.terraform.errors import PlanFormatError
from workflows.terraform.plan_reader import summarize_plan, summarize_plan_json
from workflows.terraform.plan_summary import PlanSummary
from workflows.terraform.redaction import KNOWN_AFTER_APPLY, SENSITIVE
from workflows.terraform.render import DEFAULT_MAX_CHARS, render_plan_text, render_stream_text
from workflows.terraform.stream_reader import StreamSummarizer, summarize_stream
from workflows.terraform.stream_summary import ResourceFailure, StreamState, StreamSummary

__all__ = [
    "ACTION_ORDER",
    "DEFAULT_MAX_CHARS",
    "KNOWN_AFTER_APPLY",
    "SENSITIVE",
    "AttributeChange",
    "ChangeAction",
    "Diagnostic",
    "OutputChange",
    "PlanFormatError",
    "PlanSummary",
    "ResourceChange",
    "ResourceFailure",
    "ResourceOutcome",
    "StreamState",
    "StreamSummarizer",
    "StreamSummary",
    "render_plan_text",
    "render_stream_text",
    "summarize_plan",
    "summarize_plan_json",
    "summarize_stream",
]
