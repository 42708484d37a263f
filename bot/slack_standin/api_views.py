"""``views.open``, ``views.push``, ``views.update`` and ``views.publish``.

A ``trigger_id`` is exchanged once, within ``state.trigger_ttl`` seconds of the interaction
that issued it (``expired_trigger_id`` after, ``exchanged_trigger_id`` on a second use,
``invalid_trigger_id`` for one the stand-in never issued). A user has at most three modals
stacked (``push_limit_reached``). Invalid views answer ``invalid_arguments`` with Slack's
``[ERROR] … [json-pointer:/view/…]`` messages.
"""

from __future__ import annotations

import re
from typing import Any

from bot.slack_standin.api_common import Call, known_user
from bot.slack_standin.block_limits import validate_view
from bot.slack_standin.records import StoredView, Trigger, json_size
from bot.slack_standin.state import MAX_MODAL_STACK
from bot.slack_standin.web_request import ApiError, json_argument

MAX_VIEW_BYTES = 250_000
_TRIGGER = re.compile(r"^\d+\.\d+\.[0-9a-f]+$")


def open_view(call: Call) -> dict[str, Any]:
    """``views.open``: a new modal for the person whose interaction issued the trigger."""
    trigger_id = _trigger_argument(call)
    definition = _view_argument(call, "modal")
    trigger = _exchange(call, trigger_id)
    state = call.state
    with state.changing():
        _check_external_id(call, definition, None)
        state.close_modals(trigger.user_id)
        view = _new_view(call, trigger.user_id, definition, trigger)
        state.modal_stacks[trigger.user_id] = [view.id]
    return {"ok": True, "view": view.to_slack(call.workspace)}


def push_view(call: Call) -> dict[str, Any]:
    """``views.push``: a modal on top of the open one (three at most)."""
    trigger_id = _trigger_argument(call)
    definition = _view_argument(call, "modal")
    trigger = _exchange(call, trigger_id)
    state = call.state
    with state.changing():
        stack = state.modal_stacks.get(trigger.user_id, [])
        if not stack:
            raise ApiError(
                "invalid_arguments", messages=["[ERROR] no modal is open to push a view onto"]
            )
        if len(stack) >= MAX_MODAL_STACK:
            raise ApiError("push_limit_reached")
        _check_external_id(call, definition, None)
        view = _new_view(call, trigger.user_id, definition, trigger, previous=stack[-1])
        stack.append(view.id)
    return {"ok": True, "view": view.to_slack(call.workspace)}


def update_view(call: Call) -> dict[str, Any]:
    """``views.update``: replace an open view by ``view_id`` or ``external_id``."""
    view_id = call.text("view_id")
    external_id = call.text("external_id")
    if view_id is None and external_id is None:
        raise ApiError(
            "invalid_arguments",
            messages=["[ERROR] missing required field: view_id or external_id"],
        )
    state = call.state
    with state.lock:
        view = state.views.get(view_id) if view_id else state.view_by_external_id(external_id or "")
    if view is None or view.closed:
        raise ApiError("not_found")
    definition = _view_argument(call, view.type)
    wanted_hash = call.text("hash")
    with state.changing():
        if wanted_hash is not None and wanted_hash != view.hash:
            raise ApiError("hash_conflict")
        _check_external_id(call, definition, view)
        _replace(call, view, definition)
    return {"ok": True, "view": view.to_slack(call.workspace)}


def publish_view(call: Call) -> dict[str, Any]:
    """``views.publish``: a person's Home tab, created or replaced."""
    user = known_user(call, call.required("user_id"))
    definition = _view_argument(call, "home")
    wanted_hash = call.text("hash")
    state = call.state
    with state.changing():
        current = state.home_view(user.id)
        if current is None:
            view = StoredView(
                id=state.new_id("V"),
                user_id=user.id,
                definition=definition,
                hash=state.new_hash(),
                opened_by="views.publish",
                root_view_id="",
            )
            view.root_view_id = view.id
            state.views[view.id] = view
            state.home_views[user.id] = view.id
        else:
            if wanted_hash is not None and wanted_hash != current.hash:
                raise ApiError("hash_conflict")
            _replace(call, current, definition)
            view = current
    return {"ok": True, "view": view.to_slack(call.workspace)}


def _trigger_argument(call: Call) -> str:
    trigger_id = call.text("trigger_id") or call.text("interactivity_pointer")
    if trigger_id is None:
        raise ApiError("invalid_arguments", messages=["[ERROR] missing required field: trigger_id"])
    if not _TRIGGER.match(trigger_id):
        raise ApiError("invalid_arguments", messages=["invalid `trigger_id`"])
    return trigger_id


def _exchange(call: Call, trigger_id: str) -> Trigger:
    state = call.state
    with state.lock:
        trigger = state.triggers.get(trigger_id)
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if trigger.exchanged:
            raise ApiError("exchanged_trigger_id")
        if state.clock() - trigger.issued_at > state.trigger_ttl:
            raise ApiError("expired_trigger_id")
        trigger.exchanged = True
    return trigger


def _view_argument(call: Call, kind: str) -> dict[str, Any]:
    view = json_argument(call.args, "view", "invalid_arguments")
    if view is None:
        raise ApiError("invalid_arguments", messages=["[ERROR] missing required field: view"])
    if json_size(view) > MAX_VIEW_BYTES:
        raise ApiError("view_too_large")
    errors = validate_view(view)
    if errors:
        raise ApiError("invalid_arguments", messages=errors)
    assert isinstance(view, dict)
    if view.get("type") != kind:
        raise ApiError(
            "invalid_arguments",
            messages=[f"[ERROR] this method needs a view of type {kind} [json-pointer:/view/type]"],
        )
    return view


def _check_external_id(call: Call, definition: dict[str, Any], itself: StoredView | None) -> None:
    external_id = definition.get("external_id")
    if not external_id:
        return
    other = call.state.view_by_external_id(str(external_id))
    if other is not None and other is not itself:
        raise ApiError("duplicate_external_id")


def _new_view(
    call: Call,
    user_id: str,
    definition: dict[str, Any],
    trigger: Trigger,
    *,
    previous: str | None = None,
) -> StoredView:
    state = call.state
    view_id = state.new_id("V")
    root = state.views[state.modal_stacks[user_id][0]].id if previous else view_id
    view = StoredView(
        id=view_id,
        user_id=user_id,
        definition=definition,
        hash=state.new_hash(),
        opened_by=trigger.id,
        root_view_id=root,
        previous_view_id=previous,
    )
    state.views[view_id] = view
    return view


def _replace(call: Call, view: StoredView, definition: dict[str, Any]) -> None:
    view.history.append(view.definition)
    keys = {
        (block.get("block_id"), element.get("action_id"))
        for block in definition.get("blocks", [])
        if isinstance(block, dict)
        for element in _elements(block)
    }
    view.state_values = {
        block_id: {a: v for a, v in actions.items() if (block_id, a) in keys}
        for block_id, actions in view.state_values.items()
    }
    view.state_values = {k: v for k, v in view.state_values.items() if v}
    if view.external_id and not definition.get("external_id"):
        definition = {**definition, "external_id": view.external_id}
    view.definition = definition
    view.hash = call.state.new_hash()
    view.errors = {}
    view.failure = None


def _elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for key in ("element", "accessory"):
        if isinstance(block.get(key), dict):
            found.append(block[key])
    if block.get("type") == "actions" and isinstance(block.get("elements"), list):
        found.extend(e for e in block["elements"] if isinstance(e, dict))
    return found
