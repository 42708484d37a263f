"""Reading the chain of entities an on-call question is about.

The chain is ``[entity, owner group, parent groups...]`` as the catalog serves them. The
first entity carrying a recognised annotation chooses where the answer comes from; the
first entity with a Slack channel (``slack.com/channel-id``) or a profile email gives the
contacts to fall back on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from catalog_store.model.refs import DEFAULT_NAMESPACE, InvalidEntityRef, entity_ref_of
from catalog_store.oncall import opsgenie, pagerduty
from catalog_store.oncall.answers import OnCallContact

SCHEDULE_ANNOTATION = "callboard.dev/oncall-schedule"
"""Points a group or entity at a built-in ``Schedule`` (``[schedule:][namespace/]name``)."""
SLACK_CHANNEL_ANNOTATION = "slack.com/channel-id"

ANNOTATION_SOURCES: tuple[tuple[str, str], ...] = (
    (SCHEDULE_ANNOTATION, "schedule"),
    *((annotation, "pagerduty") for annotation in pagerduty.ANNOTATIONS),
    *((annotation, "opsgenie") for annotation in opsgenie.ANNOTATIONS),
)
"""Recognised annotations and the source each chooses, in the order they are tried."""


@dataclass(frozen=True, slots=True)
class SourceChoice:
    """The annotation that decides where an answer comes from.

    Attributes:
        source: ``"schedule"``, ``"pagerduty"`` or ``"opsgenie"``.
        annotation: The annotation's key.
        value: Its value, trimmed.
        entity_ref: The lower-case ref of the entity carrying it.
        namespace: That entity's namespace, for refs written without one.
    """

    source: str
    annotation: str
    value: str
    entity_ref: str
    namespace: str


def _annotations(entity: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = entity.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    return annotations if isinstance(annotations, Mapping) else {}


def entity_key(entity: Mapping[str, Any]) -> str | None:
    """The lower-case ref of a served entity, or None when it has no usable identity."""
    try:
        return entity_ref_of(entity).key
    except InvalidEntityRef:
        return None


def choose_source(chain: Sequence[Mapping[str, Any]]) -> SourceChoice | None:
    """The first recognised annotation along the chain.

    Args:
        chain: The entity asked about, then its owner, then the owner's parents.

    Returns:
        The choice, or None when no entity carries a recognised, non-empty annotation.
    """
    for entity in chain:
        if not isinstance(entity, Mapping):
            continue
        annotations = _annotations(entity)
        ref = entity_key(entity)
        if ref is None:
            continue
        for annotation, source in ANNOTATION_SOURCES:
            value = annotations.get(annotation)
            if isinstance(value, str) and value.strip():
                namespace = ref.split(":", 1)[1].rsplit("/", 1)[0] or DEFAULT_NAMESPACE
                return SourceChoice(source, annotation, value.strip(), ref, namespace)
    return None


def chain_contacts(chain: Sequence[Mapping[str, Any]]) -> list[OnCallContact]:
    """The Slack channel and email of the first entity along the chain that has either.

    Args:
        chain: The entity asked about, then its owner, then the owner's parents.

    Returns:
        Channel first, then email; empty when no entity has either.
    """
    for entity in chain:
        if not isinstance(entity, Mapping):
            continue
        ref = entity_key(entity)
        if ref is None:
            continue
        found: list[OnCallContact] = []
        channel = _annotations(entity).get(SLACK_CHANNEL_ANNOTATION)
        if isinstance(channel, str) and channel.strip():
            found.append(OnCallContact("slack_channel", channel.strip(), ref))
        spec = entity.get("spec")
        profile = spec.get("profile") if isinstance(spec, Mapping) else None
        email = profile.get("email") if isinstance(profile, Mapping) else None
        if isinstance(email, str) and email.strip():
            found.append(OnCallContact("email", email.strip(), ref))
        if found:
            return found
    return []
