"""The JSON endpoints behind the stand-in's page (``/ui/…``).

The page reads ``GET /ui/state`` (with ``since=<version>`` it waits up to 20 s for a change)
and acts through ``POST /ui/command``, ``/ui/message``, ``/ui/action``, ``/ui/options``,
``/ui/submit``, ``/ui/close`` and ``/ui/home``, which go to the bot through the sender.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from bot.slack_standin.payloads import PayloadError
from bot.slack_standin.records import StoredMessage, StoredView
from bot.slack_standin.sender import BotReply, SlackSender
from bot.slack_standin.state import StandinState

LONG_POLL_SECONDS = 20.0
_MENTION = re.compile(r"(?<![<\w])@([a-z0-9._-]+)")
_CHANNEL = re.compile(r"(?<![<\w])#([a-z0-9._-]+)")


class CommandIn(BaseModel):
    """A slash command typed on the page."""

    user: str
    channel: str
    text: str


class MessageIn(BaseModel):
    """A message typed on the page."""

    user: str
    channel: str
    text: str
    thread_ts: str | None = None


class ActionIn(BaseModel):
    """An element used on the page: in a message (channel + ts) or in a view."""

    user: str
    action_id: str
    block_id: str | None = None
    channel: str | None = None
    ts: str | None = None
    view_id: str | None = None
    value: Any = None
    values: dict[str, dict[str, Any]] | None = None


class OptionsIn(ActionIn):
    """An ``external_select`` search typed on the page."""

    query: str = ""


class SubmitIn(BaseModel):
    """A modal submitted on the page."""

    user: str
    view_id: str
    values: dict[str, dict[str, Any]] = {}


class CloseIn(BaseModel):
    """A modal closed on the page."""

    user: str
    view_id: str


class HomeIn(BaseModel):
    """The Home tab opened on the page."""

    user: str


def create_ui_router(state: StandinState, sender: Callable[[], SlackSender | None]) -> APIRouter:
    """The ``/ui`` endpoints; ``sender`` gives the connection to the bot (None: no bot)."""
    router = APIRouter(prefix="/ui")

    def connected() -> SlackSender:
        found = sender()
        if found is None:
            raise _NoBot()
        return found

    def run(action: Callable[[SlackSender], dict[str, Any]]) -> JSONResponse:
        try:
            return JSONResponse(action(connected()))
        except _NoBot:
            return JSONResponse({"ok": False, "error": "no bot is connected"}, status_code=409)
        except (PayloadError, KeyError) as exc:
            return JSONResponse({"ok": False, "error": str(exc)}, status_code=400)

    @router.get("/state")
    def page_state(user: str = "", channel: str = "", since: int = -1) -> dict[str, Any]:
        if since >= 0:
            state.wait_for_change(since, LONG_POLL_SECONDS)
        return snapshot(state, user, channel)

    @router.post("/command")
    def command(body: CommandIn) -> JSONResponse:
        name, _, text = body.text.strip().partition(" ")
        return run(lambda s: reply_json(s.slash_command(body.user, body.channel, name, text)))

    @router.post("/message")
    def message(body: MessageIn) -> JSONResponse:
        def post(s: SlackSender) -> dict[str, Any]:
            text = encode_mentions(state, body.text)
            posted = s.post_as_user(
                body.user, body.channel, text, thread_ts=body.thread_ts, wait=False
            )
            return {"ok": True, "ts": posted.message.ts}

        return run(post)

    @router.post("/action")
    def action(body: ActionIn) -> JSONResponse:
        def act(s: SlackSender) -> dict[str, Any]:
            target = _target(state, body)
            reply = s.act(
                body.user,
                target,
                body.action_id,
                body.value,
                block_id=body.block_id,
                values=body.values,
            )
            return reply_json(reply)

        return run(act)

    @router.post("/options")
    def options(body: OptionsIn) -> JSONResponse:
        def ask(s: SlackSender) -> dict[str, Any]:
            reply = s.options(
                body.user, _target(state, body), body.action_id, body.query, block_id=body.block_id
            )
            found = reply.json() if reply.ok else None
            items: list[Any] = []
            if isinstance(found, dict):
                items = list(found.get("options") or [])
                for group in found.get("option_groups") or []:
                    items.extend(group.get("options") or [])
            return {**reply_json(reply), "options": items}

        return run(ask)

    @router.post("/submit")
    def submit(body: SubmitIn) -> JSONResponse:
        return run(lambda s: reply_json(s.submit_view(body.user, body.view_id, body.values)))

    @router.post("/close")
    def close(body: CloseIn) -> JSONResponse:
        def shut(s: SlackSender) -> dict[str, Any]:
            reply = s.close_view(body.user, body.view_id)
            return {"ok": True} if reply is None else reply_json(reply)

        return run(shut)

    @router.post("/home")
    def home(body: HomeIn) -> JSONResponse:
        def open_home(s: SlackSender) -> dict[str, Any]:
            s.open_home(body.user, wait=False)
            return {"ok": True}

        return run(open_home)

    return router


class _NoBot(Exception):
    pass


def _target(state: StandinState, body: ActionIn) -> StoredMessage | StoredView | str:
    if body.view_id:
        return body.view_id
    if not body.channel or not body.ts:
        raise PayloadError("an action needs a view_id, or a channel and a ts")
    message = state.find_message(body.channel, body.ts)
    if message is None:
        raise PayloadError("the message is gone")
    return message


def reply_json(reply: BotReply) -> dict[str, Any]:
    """A bot reply as the page reads it."""
    return {
        "ok": reply.ok,
        "status": reply.status,
        "body": reply.body,
        "elapsed": round(reply.elapsed, 4),
        "failure": reply.failure,
        "retries": len(reply.earlier),
    }


def encode_mentions(state: StandinState, text: str) -> str:
    """``@alice`` and ``#payments`` typed on the page as Slack's client sends them."""
    ws = state.workspace

    def person(match: re.Match[str]) -> str:
        user = ws.user_by_name(match.group(1))
        return f"<@{user.id}>" if user else match.group(0)

    def channel(match: re.Match[str]) -> str:
        found = ws.channel(match.group(1))
        return f"<#{found.id}|{found.name}>" if found and not found.is_im else match.group(0)

    return _CHANNEL.sub(channel, _MENTION.sub(person, text))


def snapshot(state: StandinState, user_id: str, channel_id: str) -> dict[str, Any]:
    """What the page shows ``user_id`` in ``channel_id``: messages, modal, Home tab, log."""
    ws = state.workspace
    with state.lock:
        version = state.version
        user = ws.users.get(user_id)
        if user is not None and not user.is_bot:
            ws.dm_with(user.id)
        channels = [
            {
                "id": c.id,
                "name": (f"@{ws.bot_name}" if c.is_im else c.name),
                "is_private": c.is_private,
                "is_im": c.is_im,
                "is_member": user is not None and user.id in c.members,
                "bot_member": ws.bot_user_id in c.members,
            }
            for c in ws.channels.values()
            if not c.is_im or (user is not None and user.id in c.members)
        ]
        messages = []
        for m in state.channel_messages(channel_id, viewer=user_id or None):
            item = m.to_slack(ws)
            item["ephemeral"] = m.is_ephemeral
            item["source"] = m.source
            item["unfurls"] = [
                {"url": u.url, "content": u.content}
                for u in state.unfurls
                if u.channel == m.channel and u.ts == m.ts
            ]
            messages.append(item)
        modal = state.top_modal(user_id)
        home = state.home_view(user_id)
        calls = [
            {"method": c.method, "ok": c.ok, "error": c.result.get("error"), "status": c.status}
            for c in state.api_calls[-15:]
        ]
        deliveries = [d.describe() for d in state.deliveries[-15:]]
        return {
            "version": version,
            "team": {"id": ws.team_id, "name": ws.team_name},
            "bot": {"id": ws.bot_user_id, "name": ws.bot_name},
            "users": {
                u.id: {
                    "name": u.name,
                    "real_name": u.real_name,
                    "shown": u.shown_name(),
                    "is_bot": u.is_bot,
                }
                for u in ws.users.values()
            },
            "channels": channels,
            "messages": messages,
            "modal": None if modal is None else _view_json(state, modal),
            "home": None if home is None else _view_json(state, home),
            "calls": calls,
            "deliveries": deliveries,
        }


def _view_json(state: StandinState, view: StoredView) -> dict[str, Any]:
    body = view.to_slack(state.workspace)
    body["errors"] = view.errors
    body["failure"] = view.failure
    body["depth"] = len(state.modal_stacks.get(view.user_id, [])) if view.type == "modal" else 0
    return body
