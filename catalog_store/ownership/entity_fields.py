"""Reading the fields that ownership answers show from stored entity bodies.

Annotations read here:

* ``slack.com/channel-id`` on a Group: the id of the team's Slack channel (``C0123``).
* ``slack.com/channel-name`` on a Group: that channel's name, for display (optional).
* ``slack.com/user-id`` on a User: the person's Slack user id (``U0123``); without it
  the person is found in Slack by ``spec.profile.email``.
"""

from __future__ import annotations

import json
from typing import Any

from catalog_store.ownership.models import GroupSummary, PersonInfo
from catalog_store.queries.entity_reader import StoredEntity

SLACK_CHANNEL_ID_ANNOTATION = "slack.com/channel-id"
SLACK_CHANNEL_NAME_ANNOTATION = "slack.com/channel-name"
SLACK_USER_ID_ANNOTATION = "slack.com/user-id"


def parse_body(row: StoredEntity) -> dict[str, Any]:
    """The stored body of a row as a dict (an empty one if it is not an object)."""
    body = json.loads(row.body)
    return body if isinstance(body, dict) else {}


def _section(body: dict[str, Any], *path: str) -> dict[str, Any]:
    node: Any = body
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def annotation(body: dict[str, Any], name: str) -> str | None:
    """A non-blank annotation value, stripped, or None."""
    return _text(_section(body, "metadata", "annotations").get(name))


def metadata_text(body: dict[str, Any], name: str) -> str | None:
    """A non-blank ``metadata.<name>`` string, or None."""
    return _text(_section(body, "metadata").get(name))


def profile_text(body: dict[str, Any], name: str) -> str | None:
    """A non-blank ``spec.profile.<name>`` string, or None."""
    return _text(_section(body, "spec", "profile").get(name))


def body_ref(body: dict[str, Any], fallback: str) -> str:
    """The entity's ref ``kind:namespace/name`` from its body, or ``fallback``."""
    metadata = _section(body, "metadata")
    kind, name = body.get("kind"), metadata.get("name")
    if not isinstance(kind, str) or not isinstance(name, str):
        return fallback
    namespace = metadata.get("namespace")
    namespace = namespace if isinstance(namespace, str) and namespace else "default"
    return f"{kind.lower()}:{namespace.lower()}/{name}"


def ref_name(ref: str) -> str:
    """The name part of a ref ``kind:namespace/name``."""
    return ref.rsplit("/", 1)[-1].split(":", 1)[-1]


def person_info(ref: str, body: dict[str, Any] | None) -> PersonInfo:
    """A User as a :class:`PersonInfo`; ``body`` None marks it missing."""
    if body is None:
        return PersonInfo(ref, ref_name(ref), missing=True)
    return PersonInfo(
        ref=body_ref(body, ref),
        name=metadata_text(body, "name") or ref_name(ref),
        display_name=profile_text(body, "displayName") or metadata_text(body, "title"),
        email=profile_text(body, "email"),
        slack_user_id=annotation(body, SLACK_USER_ID_ANNOTATION),
    )


def group_title(body: dict[str, Any]) -> str | None:
    """A group's title: ``metadata.title``, else ``spec.profile.displayName``."""
    return metadata_text(body, "title") or profile_text(body, "displayName")


def group_summary(ref: str, body: dict[str, Any] | None) -> GroupSummary:
    """A Group as a :class:`GroupSummary`; ``body`` None marks it missing."""
    if body is None:
        return GroupSummary(ref, ref_name(ref), missing=True)
    return GroupSummary(
        ref=body_ref(body, ref),
        name=metadata_text(body, "name") or ref_name(ref),
        title=group_title(body),
        email=profile_text(body, "email"),
        slack_channel_id=annotation(body, SLACK_CHANNEL_ID_ANNOTATION),
        slack_channel_name=annotation(body, SLACK_CHANNEL_NAME_ANNOTATION),
    )
