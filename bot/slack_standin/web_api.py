"""The stand-in's Web API: ``/api/<method>`` as Slack answers it.

Auth first (``not_authed`` without a token, ``invalid_auth`` for an unknown one, both HTTP
200), then the method (``unknown_method`` for one the stand-in does not implement). Every
call is logged in ``state.api_calls`` with its arguments (never the token) and answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.slack_standin import api_chat, api_directory, api_history, api_views
from bot.slack_standin.api_common import Call, Handler
from bot.slack_standin.records import ApiCall
from bot.slack_standin.state import StandinState
from bot.slack_standin.web_request import ApiError, read_web_request

METHODS: dict[str, Handler] = {
    "auth.test": api_directory.auth_test,
    "chat.postMessage": api_chat.post_message,
    "chat.postEphemeral": api_chat.post_ephemeral,
    "chat.update": api_chat.update,
    "chat.unfurl": api_chat.unfurl,
    "views.open": api_views.open_view,
    "views.push": api_views.push_view,
    "views.update": api_views.update_view,
    "views.publish": api_views.publish_view,
    "users.info": api_directory.users_info,
    "users.list": api_directory.users_list,
    "users.lookupByEmail": api_directory.users_lookup_by_email,
    "conversations.info": api_directory.conversations_info,
    "conversations.join": api_directory.conversations_join,
    "conversations.history": api_history.conversations_history,
    "conversations.list": api_history.conversations_list,
    "conversations.replies": api_history.conversations_replies,
}


@dataclass
class ApiAnswer:
    """An HTTP answer of the Web API."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def answer_web_api(
    state: StandinState,
    method: str,
    *,
    query: list[tuple[str, str]],
    headers: dict[str, str],
    body: bytes,
) -> ApiAnswer:
    """Answer one Web API request and log it.

    Args:
        state: the stand-in's state.
        method: the method name of the path (``chat.postMessage``).
        query: the query string's pairs.
        headers: the request headers, names lower-case.
        body: the raw request body.
    """
    args: dict[str, Any] = {}
    try:
        request = read_web_request(query=query, headers=headers, body=body)
        args = request.args
        answer = _answer(state, method, request.token, args)
        if request.warnings and answer.body.get("ok"):
            answer.body.setdefault("warning", ",".join(request.warnings))
            metadata = answer.body.setdefault("response_metadata", {})
            metadata.setdefault("warnings", []).extend(request.warnings)
    except ApiError as exc:
        answer = ApiAnswer(exc.status, exc.body, dict(exc.headers))
    answer.headers.setdefault("X-OAuth-Scopes", ",".join(state.workspace.scopes))
    state.log_call(ApiCall(method, args, answer.status, answer.body, state.clock()))
    return answer


def _answer(state: StandinState, method: str, token: str | None, args: dict[str, Any]) -> ApiAnswer:
    if not token:
        raise ApiError("not_authed")
    if token != state.workspace.bot_token:
        raise ApiError("invalid_auth")
    handler = METHODS.get(method)
    if handler is None:
        raise ApiError("unknown_method", req_method=method)
    with state.lock:
        body = handler(Call(state, args))
    return ApiAnswer(200, body)
