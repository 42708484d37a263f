"""The other direction: the stand-in sends the bot what Slack would, signed.

``SlackSender`` posts slash commands (form fields), interactions (``payload=<json>``) and
Events API callbacks (JSON) to the bot's request URL, signed with the signing secret. It
keeps Slack's 3-second rule: a slash command that is not answered in time shows
``operation_timeout`` to the person; an event that is not answered 200 in time is sent again
with ``X-Slack-Retry-Num``/``X-Slack-Retry-Reason`` (Slack retries three times: at once,
after a minute, after five; ``retry_delays`` makes that quick in tests). Every slash command
and interaction issues a fresh ``trigger_id`` and (for messages) a ``response_url`` on the
stand-in. The bot's synchronous answers take effect as in Slack: a slash command's body
becomes an ephemeral message (or a channel message with ``"response_type": "in_channel"``),
a ``view_submission`` answer closes, updates, pushes or annotates the modal.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from bot.slack_standin.api_chat import links_in
from bot.slack_standin.block_limits import validate_message, validate_view
from bot.slack_standin.payloads import (
    PayloadError,
    action_item,
    app_home_opened_event,
    block_suggestion,
    event_envelope,
    find_element,
    input_values,
    link_shared_event,
    message_block_actions,
    message_event,
    missing_inputs,
    slash_command_form,
    view_block_actions,
    view_closed,
    view_submission,
)
from bot.slack_standin.records import Attempt, Delivery, StoredMessage, StoredView
from bot.slack_standin.signing import signed_headers
from bot.slack_standin.state import MAX_MODAL_STACK, StandinState
from bot.slack_standin.workspace import Channel, User

SLACKBOT = "USLACKBOT"
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
SLACK_TIMEOUT_SECONDS = 3.0
SLACK_RETRY_DELAYS = (0.0, 60.0, 300.0)
CONNECTION_TROUBLE = "We had some trouble connecting. Try again?"


@dataclass(frozen=True)
class BotReply:
    """The bot's answer to one request (the last attempt, for retried events).

    ``status`` is None when the bot did not answer (``failure`` says why: ``http_timeout``,
    ``connection_failed``); ``earlier`` holds the attempts before a retry.
    """

    status: int | None
    body: str
    headers: dict[str, str]
    elapsed: float
    failure: str | None = None
    retry_num: int = 0
    earlier: tuple[Attempt, ...] = ()
    trigger_id: str | None = None
    response_url: str | None = None

    @property
    def ok(self) -> bool:
        """The bot answered 200."""
        return self.status == 200

    def json(self) -> Any:
        """The body decoded as JSON (None when empty)."""
        return json.loads(self.body) if self.body.strip() else None


@dataclass
class UserPost:
    """A person's message and the bot's answers to the events it raised."""

    message: StoredMessage
    replies: dict[str, BotReply] = field(default_factory=dict)


class SlackSender:
    """Sends the bot signed requests as Slack does, and applies its answers to the state.

    Args:
        state: the stand-in's state (its ``base_url`` makes the ``response_url``s).
        bot_url: the bot's request URL (Bolt serves everything at ``/slack/events``).
        signing_secret: the app's signing secret.
        timeout: how long Slack waits for an answer (3 s).
        retry_delays: the pause before each event retry (Slack: 0 s, 60 s, 300 s).
        client: an ``httpx.Client`` to send with (one is made otherwise).
    """

    def __init__(
        self,
        state: StandinState,
        bot_url: str,
        signing_secret: str,
        *,
        timeout: float = SLACK_TIMEOUT_SECONDS,
        retry_delays: Sequence[float] = SLACK_RETRY_DELAYS,
        client: httpx.Client | None = None,
    ) -> None:
        if not signing_secret:
            raise ValueError("a signing secret is needed to sign requests")
        self.state = state
        self.bot_url = bot_url
        self.signing_secret = signing_secret
        self.timeout = timeout
        self.retry_delays = tuple(retry_delays)
        self._client = client or httpx.Client(timeout=httpx.Timeout(timeout), trust_env=False)
        self._own_client = client is None
        self._closed = False

    def close(self) -> None:
        """Stop sending (retries still due are dropped) and close the HTTP client."""
        self._closed = True
        if self._own_client:
            self._client.close()

    # -- who and where ----------------------------------------------------------------

    def user(self, ref: str | User) -> User:
        """A person by id, handle or ``@handle``.

        Raises:
            PayloadError: no such person.
        """
        if isinstance(ref, User):
            return ref
        with self.state.lock:
            user = self.state.workspace.user_by_name(ref)
        if user is None or user.is_bot:
            raise PayloadError(f"no person {ref!r} in the workspace")
        return user

    def channel(self, ref: str | Channel, user: User) -> Channel:
        """A channel the person can write in (by id, ``#name`` or name).

        Raises:
            PayloadError: no such channel, or the person is not in it.
        """
        with self.state.lock:
            channel = ref if isinstance(ref, Channel) else self.state.workspace.channel(ref)
        if channel is None:
            raise PayloadError(f"no channel {ref!r} in the workspace")
        if user.id not in channel.members:
            raise PayloadError(f"{user.name} is not a member of #{channel.name}")
        return channel

    # -- slash commands ---------------------------------------------------------------

    def slash_command(
        self, user: str | User, channel: str | Channel, command: str, text: str = ""
    ) -> BotReply:
        """Run ``command text`` as ``user`` in ``channel``; the answer shows as Slack shows it."""
        person = self.user(user)
        where = self.channel(channel, person)
        if not command.startswith("/") or " " in command:
            raise PayloadError(f"not a slash command: {command!r}")
        state = self.state
        trigger = state.issue_trigger(person.id)
        response_url = state.issue_response_url("commands", person.id, where.id)
        url = state.response_url_of(response_url)
        form = slash_command_form(
            state, person, where, command, text, trigger_id=trigger.id, response_url=url
        )
        reply = self._send("slash_command", urlencode(form).encode(), _FORM, form)
        reply = _with_ids(reply, trigger.id, url)
        message = self._show_command_answer(person, where, command, reply)
        if message is not None:
            with state.lock:
                response_url.original = (message.channel, message.ts)
        return reply

    def _show_command_answer(
        self, user: User, channel: Channel, command: str, reply: BotReply
    ) -> StoredMessage | None:
        state = self.state
        if reply.status != 200:
            error = {
                "http_timeout": "operation_timeout",
                "connection_failed": "dispatch_failed",
            }.get(reply.failure or "", "http_service_error")
            return self._slackbot(user, channel, f'{command} failed with the error "{error}"')
        if not reply.body.strip():
            return None
        content_type = reply.headers.get("content-type", "")
        answer: Any = None
        if "json" in content_type or reply.body.lstrip().startswith("{"):
            try:
                answer = json.loads(reply.body)
            except ValueError:
                answer = None
        if not isinstance(answer, dict):
            return state.add_message(
                channel.id,
                user=state.workspace.bot_user_id,
                text=reply.body,
                ephemeral_to=user.id,
                source="ack",
            )
        text = answer.get("text")
        blocks = answer.get("blocks")
        if validate_message(text, blocks) or (blocks is not None and not isinstance(blocks, list)):
            return self._slackbot(
                user, channel, f'{command} failed with the error "invalid_blocks"'
            )
        if not text and not blocks:
            return None
        in_channel = answer.get("response_type") == "in_channel"
        return state.add_message(
            channel.id,
            user=state.workspace.bot_user_id,
            text=str(text or ""),
            blocks=blocks,
            ephemeral_to=None if in_channel else user.id,
            source="ack",
        )

    def _slackbot(self, user: User, channel: Channel, text: str) -> StoredMessage:
        return self.state.add_message(
            channel.id, user=SLACKBOT, text=text, ephemeral_to=user.id, source="slackbot"
        )

    # -- interactions -----------------------------------------------------------------

    def click(
        self,
        user: str | User,
        target: StoredMessage | StoredView | str,
        action_id: str,
        *,
        block_id: str | None = None,
        values: dict[str, dict[str, Any]] | None = None,
    ) -> BotReply:
        """Click the button ``action_id`` of a message or a view (``block_actions``)."""
        return self.act(user, target, action_id, None, block_id=block_id, values=values)

    def select(
        self,
        user: str | User,
        target: StoredMessage | StoredView | str,
        action_id: str,
        value: Any,
        *,
        block_id: str | None = None,
        values: dict[str, dict[str, Any]] | None = None,
    ) -> BotReply:
        """Pick ``value`` in a select, picker, overflow or checkboxes (``block_actions``).

        ``value`` is an option value (a list for multi-selects and checkboxes), a user or
        channel id, or a date, as the element wants.
        """
        return self.act(user, target, action_id, value, block_id=block_id, values=values)

    def act(
        self,
        user: str | User,
        target: StoredMessage | StoredView | str,
        action_id: str,
        value: Any,
        *,
        block_id: str | None = None,
        values: dict[str, dict[str, Any]] | None = None,
    ) -> BotReply:
        """Use the element ``action_id`` of a message or a view; ``click``/``select`` call this.

        Args:
            user: who acts.
            target: a message, a view, or a view id.
            action_id: the element's ``action_id``.
            value: what the element is set to (None for buttons).
            block_id: the element's block, when ``action_id`` is not unique.
            values: for a view, what the person typed in its inputs so far.

        Raises:
            PayloadError: the person cannot see the target or it has no such element.
        """
        person = self.user(user)
        state = self.state
        action_ts = state.next_ts()
        if isinstance(target, StoredMessage):
            message = self._visible_message(person, target)
            block, element = find_element(message.blocks, action_id, block_id)
            item = action_item(element, block, value, action_ts)
            trigger = state.issue_trigger(person.id)
            original = (message.channel, message.ts)
            response_url = state.issue_response_url(
                "actions", person.id, message.channel, original=original
            )
            url = state.response_url_of(response_url)
            payload = message_block_actions(
                state, person, message, item, trigger_id=trigger.id, response_url=url
            )
            reply = self._interaction("block_actions", payload)
            return _with_ids(reply, trigger.id, url)
        view = self._visible_view(person, target)
        block, element = find_element(view.definition.get("blocks"), action_id, block_id)
        item = action_item(element, block, value, action_ts)
        with state.changing():
            if values is not None:
                view.state_values = input_values(view.definition.get("blocks"), values)
        trigger = state.issue_trigger(person.id, view_id=view.id)
        payload = view_block_actions(state, person, view, item, trigger_id=trigger.id)
        return _with_ids(self._interaction("block_actions", payload), trigger.id, None)

    def submit_view(
        self,
        user: str | User,
        view: StoredView | str,
        values: dict[str, dict[str, Any]] | None = None,
        *,
        clicks: int = 1,
    ) -> BotReply:
        """Submit the person's top modal with ``values`` (``{block_id: {action_id: value}}``).

        The bot's answer applies: an empty 200 closes the modal; ``response_action``
        ``errors`` shows errors beside inputs, ``update`` replaces the modal, ``push`` stacks
        a new one, ``clear`` closes them all. With ``clicks`` above one, the person clicks
        Submit again before the modal closes: Slack sends the same ``view_submission``
        (same view id and hash) that many times at once; the first answer applies.

        Raises:
            PayloadError: not the person's open modal, or a required input is empty (Slack's
                client does not let the person submit then).
        """
        person = self.user(user)
        state = self.state
        target = self._visible_view(person, view)
        if target.type != "modal" or state.top_modal(person.id) is not target:
            raise PayloadError("only the modal on top can be submitted")
        if target.definition.get("submit") is None:
            raise PayloadError("this modal has no submit button")
        blocks = target.definition.get("blocks")
        submitted = input_values(blocks, values)
        missing = missing_inputs(blocks, submitted)
        if missing:
            raise PayloadError(f"required inputs are empty: {', '.join(missing)}")
        with state.changing():
            target.state_values = submitted
            target.errors = {}
            target.failure = None
        trigger = state.issue_trigger(person.id, view_id=target.id)
        payload = view_submission(state, person, target, trigger_id=trigger.id)
        extra: list[threading.Thread] = []
        for _ in range(max(0, clicks - 1)):
            again = threading.Thread(target=self._interaction, args=("view_submission", payload))
            again.start()
            extra.append(again)
        reply = _with_ids(self._interaction("view_submission", payload), trigger.id, None)
        for again in extra:
            again.join()
        self._apply_submission_answer(person, target, reply)
        return reply

    def _apply_submission_answer(self, user: User, view: StoredView, reply: BotReply) -> None:
        state = self.state
        if not reply.ok:
            with state.changing():
                view.failure = CONNECTION_TROUBLE
            return
        try:
            answer = reply.json()
        except ValueError:
            answer = "invalid"
        if answer is None or (isinstance(answer, dict) and "response_action" not in answer):
            with state.lock:
                depth = len(state.modal_stacks.get(user.id, []))
            state.close_modals(user.id, keep=depth - 1)
            return
        action = answer.get("response_action") if isinstance(answer, dict) else None
        with state.changing():
            if action == "errors" and isinstance(answer.get("errors"), dict):
                view.errors = {str(k): str(v) for k, v in answer["errors"].items()}
            elif action == "clear":
                state.close_modals(user.id)
            elif action in ("update", "push") and not validate_view(answer.get("view")):
                new_view = answer["view"]
                if action == "update":
                    view.history.append(view.definition)
                    view.definition = new_view
                    view.hash = state.new_hash()
                    view.state_values = {}
                else:
                    self._push(user, view, new_view)
            else:
                view.failure = CONNECTION_TROUBLE

    def _push(self, user: User, under: StoredView, definition: dict[str, Any]) -> None:
        state = self.state
        stack = state.modal_stacks.setdefault(user.id, [])
        if len(stack) >= MAX_MODAL_STACK:
            under.failure = CONNECTION_TROUBLE
            return
        view = StoredView(
            id=state.new_id("V"),
            user_id=user.id,
            definition=definition,
            hash=state.new_hash(),
            opened_by="response_action",
            root_view_id=under.root_view_id,
            previous_view_id=under.id,
        )
        state.views[view.id] = view
        stack.append(view.id)

    def close_view(self, user: str | User, view: StoredView | str) -> BotReply | None:
        """The person closes the top modal; ``view_closed`` goes out if the view asks for it."""
        person = self.user(user)
        target = self._visible_view(person, view)
        state = self.state
        if state.top_modal(person.id) is not target:
            raise PayloadError("only the modal on top can be closed")
        cleared = bool(target.definition.get("clear_on_close"))
        depth = len(state.modal_stacks.get(person.id, []))
        state.close_modals(person.id, keep=0 if cleared else depth - 1)
        if not target.definition.get("notify_on_close"):
            return None
        payload = view_closed(state, person, target, cleared=cleared)
        return self._interaction("view_closed", payload)

    def options(
        self,
        user: str | User,
        target: StoredMessage | StoredView | str,
        action_id: str,
        query: str = "",
        *,
        block_id: str | None = None,
    ) -> BotReply:
        """Ask the bot for an ``external_select``'s options (``block_suggestion``)."""
        person = self.user(user)
        if isinstance(target, StoredMessage):
            message = self._visible_message(person, target)
            block, element = find_element(message.blocks, action_id, block_id)
            payload = block_suggestion(self.state, person, block, element, query, message=message)
        else:
            view = self._visible_view(person, target)
            block, element = find_element(view.definition.get("blocks"), action_id, block_id)
            payload = block_suggestion(self.state, person, block, element, query, view=view)
        return self._interaction("block_suggestion", payload)

    def _visible_message(self, user: User, message: StoredMessage) -> StoredMessage:
        current = self.state.find_message(message.channel, message.ts)
        if current is None:
            raise PayloadError("the message is gone")
        if current.ephemeral_to not in (None, user.id):
            raise PayloadError(f"{user.name} cannot see this ephemeral message")
        if user.id not in self.state.workspace.channels[current.channel].members:
            raise PayloadError(f"{user.name} is not in the message's channel")
        return current

    def _visible_view(self, user: User, view: StoredView | str) -> StoredView:
        with self.state.lock:
            found = self.state.views.get(view if isinstance(view, str) else view.id)
        if found is None or found.closed or found.user_id != user.id:
            raise PayloadError(
                f"{user.name} has no open view {view if isinstance(view, str) else view.id}"
            )
        return found

    # -- events -----------------------------------------------------------------------

    def event(self, event: dict[str, Any]) -> BotReply:
        """Send ``event`` in an ``event_callback`` envelope, retrying as Slack does."""
        envelope = event_envelope(self.state, event)
        body = json.dumps(envelope).encode()
        return self._send(f"event:{event.get('type')}", body, _JSON, envelope, retries=True)

    def url_verification(self, challenge: str = "standin-challenge") -> BotReply:
        """The ``url_verification`` handshake; the bot must answer the challenge."""
        payload = {
            "token": self.state.workspace.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }
        return self._send("url_verification", json.dumps(payload).encode(), _JSON, payload)

    def post_as_user(
        self,
        user: str | User,
        channel: str | Channel,
        text: str,
        *,
        thread_ts: str | None = None,
        wait: bool = True,
    ) -> UserPost:
        """A person writes in a channel; the events Slack would raise go to the bot.

        ``message`` (in a DM with the bot), ``app_mention`` (when the bot is mentioned and in
        the channel) and ``link_shared`` (for links on the app's unfurl domains). With
        ``wait=False`` the events are sent in the background and ``replies`` stays empty.
        """
        person = self.user(user)
        where = self.channel(channel, person)
        state = self.state
        parent = state.thread_parent(where.id, thread_ts) if thread_ts else None
        if thread_ts and parent is None:
            raise PayloadError(f"no thread {thread_ts} in #{where.name}")
        message = state.add_message(
            where.id,
            user=person.id,
            text=text,
            thread_ts=parent.ts if parent else None,
            source="user",
        )
        events: list[tuple[str, dict[str, Any]]] = []
        bot = state.workspace.bot_user_id
        if where.is_im:
            events.append(("message", message_event(state, message)))
        if f"<@{bot}>" in text and bot in where.members:
            events.append(("app_mention", message_event(state, message, "app_mention")))
        links = [url for url in links_in(text) if self._unfurls(url)]
        if links:
            with state.changing():
                message.unfurl_id = state.new_id("C", 12) + "." + message.ts
            events.append(("link_shared", link_shared_event(state, message, links)))
        post = UserPost(message)
        if wait:
            for name, event in events:
                post.replies[name] = self.event(event)
        else:
            self._background([event for _, event in events])
        return post

    def app_mention(
        self, user: str | User, channel: str | Channel, text: str, *, thread_ts: str | None = None
    ) -> BotReply:
        """A person mentions the bot (``<@bot> text``): the ``app_mention`` answer."""
        mention = f"<@{self.state.workspace.bot_user_id}>"
        full = text if mention in text else f"{mention} {text}"
        post = self.post_as_user(user, channel, full, thread_ts=thread_ts)
        if "app_mention" not in post.replies:
            raise PayloadError("the bot is not in this channel, so Slack sends no app_mention")
        return post.replies["app_mention"]

    def share_link(self, user: str | User, channel: str | Channel, text: str) -> UserPost:
        """A person posts links; ``link_shared`` goes out for the app's unfurl domains."""
        return self.post_as_user(user, channel, text)

    def open_home(self, user: str | User, *, wait: bool = True) -> BotReply | None:
        """The person opens the app's Home tab (``app_home_opened``)."""
        person = self.user(user)
        state = self.state
        with state.changing():
            channel = state.workspace.dm_with(person.id)
        event = app_home_opened_event(state, person, channel, state.home_view(person.id))
        if not wait:
            self._background([event])
            return None
        return self.event(event)

    def _unfurls(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.state.workspace.unfurl_domains)

    def _background(self, events: list[dict[str, Any]]) -> None:
        if not events:
            return

        def run() -> None:
            for event in events:
                self.event(event)

        threading.Thread(target=run, name="standin-events", daemon=True).start()

    # -- sending ----------------------------------------------------------------------

    def _interaction(self, kind: str, payload: dict[str, Any]) -> BotReply:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self._send(kind, body, _FORM, payload)

    def _send(
        self,
        kind: str,
        body: bytes,
        content_type: str,
        record: dict[str, Any],
        *,
        retries: bool = False,
    ) -> BotReply:
        delivery = Delivery(kind, record)
        with self.state.changing():
            self.state.deliveries.append(delivery)
        delays = self.retry_delays if retries else ()
        attempts: list[Attempt] = []
        for retry_num in range(len(delays) + 1):
            if retry_num:
                time.sleep(delays[retry_num - 1])
            reason = attempts[-1].failure if attempts else None
            if self._closed:
                attempt = Attempt(None, "", {}, 0.0, retry_num, "connection_failed")
            else:
                attempt = self._attempt(body, content_type, retry_num, reason)
            attempts.append(attempt)
            with self.state.changing():
                delivery.attempts.append(attempt)
            no_retry = attempt.headers.get("x-slack-no-retry") == "1"
            if attempt.status == 200 or no_retry or self._closed:
                break
        last = attempts[-1]
        return BotReply(
            status=last.status,
            body=last.body,
            headers=last.headers,
            elapsed=last.elapsed,
            failure=last.failure,
            retry_num=last.retry_num,
            earlier=tuple(attempts[:-1]),
        )

    def _attempt(
        self, body: bytes, content_type: str, retry_num: int, reason: str | None
    ) -> Attempt:
        headers = {"Content-Type": content_type, "User-Agent": USER_AGENT}
        headers.update(signed_headers(self.signing_secret, body))
        if retry_num:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = reason or "unknown_error"
        started = time.perf_counter()
        try:
            response = self._client.post(self.bot_url, content=body, headers=headers)
        except RuntimeError:  # the client was closed meanwhile
            return Attempt(
                None, "", {}, time.perf_counter() - started, retry_num, "connection_failed"
            )
        except httpx.TimeoutException:
            return Attempt(None, "", {}, time.perf_counter() - started, retry_num, "http_timeout")
        except httpx.TransportError:
            return Attempt(
                None, "", {}, time.perf_counter() - started, retry_num, "connection_failed"
            )
        elapsed = time.perf_counter() - started
        failure = None if response.status_code == 200 else "http_error"
        answer_headers = {k.lower(): v for k, v in response.headers.items()}
        return Attempt(
            response.status_code, response.text, answer_headers, elapsed, retry_num, failure
        )


_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"


def _with_ids(reply: BotReply, trigger_id: str | None, response_url: str | None) -> BotReply:
    return BotReply(
        status=reply.status,
        body=reply.body,
        headers=reply.headers,
        elapsed=reply.elapsed,
        failure=reply.failure,
        retry_num=reply.retry_num,
        earlier=reply.earlier,
        trigger_id=trigger_id,
        response_url=response_url,
    )
