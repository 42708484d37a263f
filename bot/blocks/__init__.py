"""Command answers as Slack Block Kit, always within Slack's limits.

* :func:`render_reply` turns any :data:`commands.dispatch.Reply` into a
  :class:`SlackMessage` (fallback ``text`` and ``blocks``) for a message or an ephemeral
  answer: at most 50 blocks, 3000 characters per section, 10 fields, 150 per header,
  75 per button label, 2000 per button value, and a total that Slack accepts.
* :func:`home_view` builds the App Home tab (at most 100 blocks); :func:`unfurl_card`
  the ``chat.unfurl`` entry of a catalog link (at most 10 blocks).

Safety: catalog text goes through :func:`bot.blocks.escaping.escape` (``&``, ``<``, ``>``
as entities; formatting markers neutralised; no ``@channel``), every ``mrkdwn`` object is
``verbatim``, mentions are made only from ids like ``U0ALICE``/``W…``, channel links only
from ids like ``C0PAYMENTS``/``G…``, URL buttons only for http(s) URLs of at most 3000
characters.

Action ids (stable; see :mod:`bot.blocks.actions`):

* ``run_command``: ``value`` is a command line to run, e.g. ``whois component:default/x``,
  ``oncall group:default/payments-team``, ``owner``, ``help find``.
* ``find_page``: ``value`` is JSON ``{"q": "<query>", "offset": <n>}``
  (:func:`parse_find_page`).
* ``share_in_channel``: ``value`` is the command line whose answer to post in the channel.
* ``open_link_<n>``: URL buttons (Slack opens the URL; the action only needs an ack).

Within one block, the second and later buttons of an action get a suffix
(``run_command.1``, ``find_page.1``); match them with :data:`ACTION_PATTERNS` or
:func:`action_name`.
"""

from bot.blocks.actions import (
    ACTION_PATTERNS,
    FIND_PAGE,
    OPEN_LINK,
    RUN_COMMAND,
    SHARE_IN_CHANNEL,
    action_name,
    find_page_value,
    parse_find_page,
)
from bot.blocks.escaping import escape
from bot.blocks.home import Team, home_view
from bot.blocks.message import SlackMessage
from bot.blocks.render import render_reply, reply_command
from bot.blocks.truncation import slack_len, truncate
from bot.blocks.unfurl import unfurl_card

__all__ = [
    "ACTION_PATTERNS",
    "FIND_PAGE",
    "OPEN_LINK",
    "RUN_COMMAND",
    "SHARE_IN_CHANNEL",
    "SlackMessage",
    "Team",
    "action_name",
    "escape",
    "find_page_value",
    "home_view",
    "parse_find_page",
    "render_reply",
    "reply_command",
    "slack_len",
    "truncate",
    "unfurl_card",
]
