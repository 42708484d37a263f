"""The requests Slack sends an app, built as Slack builds them.

Slash commands are form fields; interactions (``block_actions``, ``view_submission``,
``view_closed``, ``block_suggestion``) are JSON objects sent as ``payload=<json>``; events are
``event_callback`` envelopes. Values typed into inputs are given simply (a string, a list of
option values, a user id…) and become Slack's ``state.values`` shapes here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from bot.slack_standin.records import StoredMessage, StoredView
from bot.slack_standin.state import StandinState
from bot.slack_standin.workspace import Channel, User, Workspace

TEXT_INPUTS = frozenset({"plain_text_input", "email_text_input", "url_text_input", "number_input"})
_SINGLE = {
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
}
_MULTI = {
    "multi_users_select": "selected_users",
    "multi_conversations_select": "selected_conversations",
    "multi_channels_select": "selected_channels",
}
_INITIAL = {
    "plain_text_input": "initial_value",
    "email_text_input": "initial_value",
    "url_text_input": "initial_value",
    "number_input": "initial_value",
    "users_select": "initial_user",
    "conversations_select": "initial_conversation",
    "channels_select": "initial_channel",
    "datepicker": "initial_date",
    "timepicker": "initial_time",
    "datetimepicker": "initial_date_time",
    "multi_users_select": "initial_users",
    "multi_conversations_select": "initial_conversations",
    "multi_channels_select": "initial_channels",
}


class PayloadError(ValueError):
    """An interaction that Slack's client would not let the person make."""


def user_ref(workspace: Workspace, user: User) -> dict[str, Any]:
    """The ``user`` object of interaction payloads."""
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": workspace.team_id}


def team_ref(workspace: Workspace) -> dict[str, Any]:
    """The ``team`` object of interaction payloads."""
    return {"id": workspace.team_id, "domain": workspace.team_domain}


def slash_command_form(
    state: StandinState,
    user: User,
    channel: Channel,
    command: str,
    text: str,
    *,
    trigger_id: str,
    response_url: str,
) -> dict[str, str]:
    """The form fields of a slash command request."""
    ws = state.workspace
    if channel.is_im:
        channel_name = "directmessage"
    elif channel.is_private:
        channel_name = "privategroup"
    else:
        channel_name = channel.name
    return {
        "token": ws.verification_token,
        "team_id": ws.team_id,
        "team_domain": ws.team_domain,
        "channel_id": channel.id,
        "channel_name": channel_name,
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "api_app_id": ws.app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def _interaction(state: StandinState, kind: str, user: User) -> dict[str, Any]:
    ws = state.workspace
    return {
        "type": kind,
        "user": user_ref(ws, user),
        "api_app_id": ws.app_id,
        "token": ws.verification_token,
        "team": team_ref(ws),
        "enterprise": None,
        "is_enterprise_install": False,
    }


def iter_elements(
    blocks: list[dict[str, Any]] | None,
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Every interactive element of ``blocks`` with its block."""
    for block in blocks or []:
        if not isinstance(block, dict):
            continue
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                yield block, block[key]
        if block.get("type") == "actions":
            for element in block.get("elements") or []:
                if isinstance(element, dict):
                    yield block, element


def find_element(
    blocks: list[dict[str, Any]] | None, action_id: str, block_id: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The block and the element with ``action_id`` (and ``block_id`` when given).

    Raises:
        PayloadError: no such element.
    """
    for block, element in iter_elements(blocks):
        if element.get("action_id") == action_id and block_id in (None, block.get("block_id")):
            return block, element
    raise PayloadError(f"no element with action_id {action_id!r} in these blocks")


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        found.extend(group.get("options") or [])
    return found


def _option(element: dict[str, Any], value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if element.get("type") in ("external_select", "multi_external_select"):
        return {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}
    for option in _options(element):
        if option.get("value") == value:
            return {k: option[k] for k in ("text", "value", "description") if k in option}
    raise PayloadError(f"{element.get('action_id')!r} has no option with value {value!r}")


def initial_value(element: dict[str, Any]) -> Any:
    """What an element holds before the person touches it (as a simple value)."""
    kind = element.get("type", "")
    if kind in _INITIAL:
        return element.get(_INITIAL[kind])
    if kind in ("static_select", "external_select", "radio_buttons"):
        option = element.get("initial_option")
        return option.get("value") if isinstance(option, dict) else None
    if kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        return [o.get("value") for o in element.get("initial_options") or []]
    return None


def element_state(element: dict[str, Any], raw: Any) -> dict[str, Any]:
    """An element's entry of ``state.values`` for the simple value ``raw``.

    Raises:
        PayloadError: an option value the element does not offer.
    """
    kind = str(element.get("type", ""))
    if isinstance(raw, dict) and raw.get("type") == kind:
        return raw
    out: dict[str, Any] = {"type": kind}
    if kind in TEXT_INPUTS:
        out["value"] = None if raw in (None, "") else str(raw)
    elif kind in ("static_select", "external_select", "radio_buttons", "overflow"):
        out["selected_option"] = None if raw in (None, "") else _option(element, raw)
    elif kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        out["selected_options"] = [_option(element, v) for v in _as_list(raw)]
    elif kind in _SINGLE:
        out[_SINGLE[kind]] = None if raw in (None, "") else str(raw)
    elif kind in _MULTI:
        out[_MULTI[kind]] = [str(v) for v in _as_list(raw)]
    elif kind == "datetimepicker":
        out["selected_date_time"] = None if raw in (None, "") else int(raw)
    elif kind == "rich_text_input":
        section = {
            "type": "rich_text_section",
            "elements": [{"type": "text", "text": str(raw or "")}],
        }
        out["rich_text_value"] = {"type": "rich_text", "elements": [section]}
    elif kind == "file_input":
        out["files"] = list(_as_list(raw))
    return out


def _as_list(raw: Any) -> list[Any]:
    if raw is None or raw == "":
        return []
    return list(raw) if isinstance(raw, list | tuple) else [raw]


def input_values(
    blocks: list[dict[str, Any]] | None, values: dict[str, dict[str, Any]] | None
) -> dict[str, dict[str, Any]]:
    """Slack's ``state.values`` of a surface: every input block, with ``values`` applied.

    Args:
        blocks: the surface's blocks.
        values: ``{block_id: {action_id: simple value}}`` typed by the person; inputs not
            given keep their initial value.
    """
    given = values or {}
    state: dict[str, dict[str, Any]] = {}
    for block, element in iter_elements(blocks):
        if block.get("type") != "input":
            continue
        block_id = str(block.get("block_id", ""))
        action_id = str(element.get("action_id", ""))
        block_values = given.get(block_id, {})
        raw = block_values[action_id] if action_id in block_values else initial_value(element)
        state.setdefault(block_id, {})[action_id] = element_state(element, raw)
    for block_id, actions in given.items():
        for action_id, raw in actions.items():
            if action_id in state.get(block_id, {}):
                continue
            try:
                block, element = find_element(blocks, action_id, block_id)
            except PayloadError:
                continue
            state.setdefault(block_id, {})[action_id] = element_state(element, raw)
    return state


def missing_inputs(
    blocks: list[dict[str, Any]] | None, state: dict[str, dict[str, Any]]
) -> list[str]:
    """The block ids of required inputs left empty (Slack's client blocks the submit)."""
    missing: list[str] = []
    for block, element in iter_elements(blocks):
        if block.get("type") != "input" or block.get("optional"):
            continue
        entry = state.get(str(block.get("block_id", "")), {}).get(str(element.get("action_id")))
        if entry is None or not any(
            v not in (None, [], "") for k, v in entry.items() if k != "type"
        ):
            missing.append(str(block.get("block_id", "")))
    return missing


def action_item(
    element: dict[str, Any], block: dict[str, Any], raw: Any, action_ts: str
) -> dict[str, Any]:
    """One entry of ``actions`` of a ``block_actions`` payload."""
    kind = element.get("type")
    item: dict[str, Any] = {
        "action_id": element.get("action_id"),
        "block_id": block.get("block_id"),
        "type": kind,
        "action_ts": action_ts,
    }
    if kind == "button":
        item["text"] = element.get("text")
        if "value" in element:
            item["value"] = element["value"]
        if "style" in element:
            item["style"] = element["style"]
        return item
    item.update({k: v for k, v in element_state(element, raw).items() if k != "type"})
    if "placeholder" in element:
        item["placeholder"] = element["placeholder"]
    return item


def message_block_actions(
    state: StandinState,
    user: User,
    message: StoredMessage,
    item: dict[str, Any],
    *,
    trigger_id: str,
    response_url: str,
) -> dict[str, Any]:
    """A ``block_actions`` payload for an element of a message."""
    ws = state.workspace
    channel = ws.channels[message.channel]
    payload = _interaction(state, "block_actions", user)
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": message.ts,
        "channel_id": message.channel,
        "is_ephemeral": message.is_ephemeral,
    }
    if message.thread_ts:
        container["thread_ts"] = message.thread_ts
    payload["container"] = container
    payload["trigger_id"] = trigger_id
    payload["channel"] = {"id": channel.id, "name": channel.name}
    if not message.is_ephemeral:
        payload["message"] = message.to_slack(ws)
    payload["state"] = {"values": input_values(message.blocks, None)}
    payload["response_url"] = response_url
    payload["actions"] = [item]
    return payload


def view_block_actions(
    state: StandinState, user: User, view: StoredView, item: dict[str, Any], *, trigger_id: str
) -> dict[str, Any]:
    """A ``block_actions`` payload for an element of a modal or a Home tab."""
    payload = _interaction(state, "block_actions", user)
    payload["container"] = {"type": "view", "view_id": view.id}
    payload["trigger_id"] = trigger_id
    payload["view"] = view.to_slack(state.workspace)
    payload["actions"] = [item]
    return payload


def view_submission(
    state: StandinState, user: User, view: StoredView, *, trigger_id: str
) -> dict[str, Any]:
    """A ``view_submission`` payload (the view carries the submitted ``state.values``)."""
    payload = _interaction(state, "view_submission", user)
    payload["trigger_id"] = trigger_id
    payload["view"] = view.to_slack(state.workspace)
    payload["response_urls"] = []
    return payload


def view_closed(
    state: StandinState, user: User, view: StoredView, *, cleared: bool
) -> dict[str, Any]:
    """A ``view_closed`` payload (sent only for views with ``notify_on_close``)."""
    payload = _interaction(state, "view_closed", user)
    payload["view"] = view.to_slack(state.workspace)
    payload["is_cleared"] = cleared
    return payload


def block_suggestion(
    state: StandinState,
    user: User,
    block: dict[str, Any],
    element: dict[str, Any],
    query: str,
    *,
    view: StoredView | None = None,
    message: StoredMessage | None = None,
) -> dict[str, Any]:
    """A ``block_suggestion`` payload: the options request of an ``external_select``."""
    ws = state.workspace
    payload = _interaction(state, "block_suggestion", user)
    payload["action_id"] = element.get("action_id")
    payload["block_id"] = block.get("block_id")
    payload["value"] = query
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.id}
        payload["view"] = view.to_slack(ws)
    elif message is not None:
        channel = ws.channels[message.channel]
        payload["container"] = {
            "type": "message",
            "message_ts": message.ts,
            "channel_id": message.channel,
            "is_ephemeral": message.is_ephemeral,
        }
        payload["channel"] = {"id": channel.id, "name": channel.name}
        if not message.is_ephemeral:
            payload["message"] = message.to_slack(ws)
    return payload


def event_envelope(state: StandinState, event: dict[str, Any]) -> dict[str, Any]:
    """An ``event_callback`` envelope around ``event``."""
    ws = state.workspace
    return {
        "token": ws.verification_token,
        "team_id": ws.team_id,
        "context_team_id": ws.team_id,
        "context_enterprise_id": None,
        "api_app_id": ws.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": state.new_id("Ev", 9),
        "event_time": int(state.clock()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": ws.team_id,
                "user_id": ws.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + uuid.uuid4().hex,
    }


def message_event(
    state: StandinState, message: StoredMessage, kind: str = "message"
) -> dict[str, Any]:
    """A ``message`` (or ``app_mention``) event for a person's message."""
    channel = state.workspace.channels[message.channel]
    event: dict[str, Any] = {
        "client_msg_id": str(uuid.uuid4()),
        "type": kind,
        "text": message.text,
        "user": message.user,
        "ts": message.ts,
        "team": state.workspace.team_id,
        "channel": message.channel,
        "event_ts": message.ts,
    }
    if message.thread_ts:
        event["thread_ts"] = message.thread_ts
    if kind == "message":
        event["channel_type"] = (
            "im" if channel.is_im else "group" if channel.is_private else "channel"
        )
    return event


def link_shared_event(
    state: StandinState, message: StoredMessage, links: list[str]
) -> dict[str, Any]:
    """A ``link_shared`` event for the links of a person's message."""
    channel = state.workspace.channels[message.channel]
    event: dict[str, Any] = {
        "type": "link_shared",
        "channel": message.channel,
        "is_bot_user_member": state.workspace.bot_user_id in channel.members,
        "user": message.user,
        "message_ts": message.ts,
        "unfurl_id": message.unfurl_id,
        "source": "conversations_history",
        "links": [{"domain": urlsplit(url).hostname or "", "url": url} for url in links],
        "event_ts": message.ts,
    }
    if message.thread_ts:
        event["thread_ts"] = message.thread_ts
    return event


def app_home_opened_event(
    state: StandinState, user: User, channel: Channel, view: StoredView | None
) -> dict[str, Any]:
    """An ``app_home_opened`` event (with the published Home view, if any)."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user.id,
        "channel": channel.id,
        "tab": "home",
        "event_ts": state.next_ts(),
    }
    if view is not None:
        event["view"] = view.to_slack(state.workspace)
    return event
