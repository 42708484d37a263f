"""A local Slack for Callboard: the Web API, signed requests to the bot, and a page.

Slack cannot be reached from development machines and tests, so this package plays it on
loopback, with Slack's request and answer shapes and its limits:

- ``StandinServer`` serves ``create_standin_app(state)``: ``/api/<method>`` for
  ``slack_sdk.WebClient(base_url=server.api_url)`` (``auth.test``, ``chat.postMessage``,
  ``chat.postEphemeral``, ``chat.update``, ``chat.unfurl``, ``views.open``/``push``/
  ``update``/``publish``, ``users.info``, ``users.lookupByEmail``, ``conversations.info``,
  ``conversations.join``), the ``response_url``s it hands out, and a page at ``/``.
- ``StandinState`` is everything that happened: messages per channel (threads, edits,
  ephemeral recipients), views, unfurls, ``response_url`` posts, every API call.
- ``SlackSender`` sends the bot slash commands, interactions and events, signed.
- ``validate_blocks`` checks Block Kit against Slack's limits.

The page (``static/index.html``, ``static/render.js``, ``static/standin.js``) keeps these
element ids for browser tests: ``#user-select``, ``#channel-select``, ``#tab-channel``,
``#tab-home``, ``#channel-view``, ``#messages`` (each message ``.message[data-ts]``,
ephemeral ones also ``.ephemeral``, thread replies inside ``.replies``), ``#composer`` (a
form) with ``#composer-input`` and ``#composer-send`` (a leading ``/`` runs a slash command,
anything else is posted as the chosen user, with people and channels named after an @ or a #
sent as Slack mentions), ``#status`` (the bot's last answer), ``#home`` (the Home tab),
``#modal`` (not ``hidden`` while a modal is open) with ``#modal-form``, ``#modal-title``,
``#modal-blocks``, ``#modal-errors``, ``#modal-submit`` and ``#modal-close``, ``#log`` (the
last Web API calls) and ``#deliveries`` (the last requests to the bot). Every interactive
element and input control carries ``data-action-id``, ``data-block-id`` and ``data-kind``
(the element type); buttons are ``button[data-action-id]``, selects
``select[data-action-id]``, checkboxes and radio buttons ``fieldset[data-action-id] input``.
The page polls ``GET /ui/state`` and acts through ``POST /ui/…`` (see ``ui_routes``).
"""

from bot.slack_standin.app import create_standin_app
from bot.slack_standin.block_limits import validate_blocks, validate_message, validate_view
from bot.slack_standin.payloads import PayloadError
from bot.slack_standin.rate_limit import RateLimit
from bot.slack_standin.records import StoredMessage, StoredView
from bot.slack_standin.sender import BotReply, SlackSender, UserPost
from bot.slack_standin.server import StandinServer
from bot.slack_standin.signing import signature, signed_headers
from bot.slack_standin.state import StandinState
from bot.slack_standin.workspace import Channel, User, Workspace

__all__ = [
    "BotReply",
    "Channel",
    "PayloadError",
    "RateLimit",
    "SlackSender",
    "StandinServer",
    "StandinState",
    "StoredMessage",
    "StoredView",
    "User",
    "UserPost",
    "Workspace",
    "create_standin_app",
    "signature",
    "signed_headers",
    "validate_blocks",
    "validate_message",
    "validate_view",
]
