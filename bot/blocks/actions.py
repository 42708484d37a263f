"""The interactive elements answers carry, and the values they send back.

Action ids are stable; the app listens for them:

* ``run_command``: run the command line in ``value`` (``whois component:default/x``).
* ``find_page``: show another page of ``find``; ``value`` is JSON
  ``{"q": "<query>", "offset": <n>}`` (read it with :func:`parse_find_page`).
* ``share_in_channel``: post the answer to the channel; ``value`` is the command line.
* ``open_link_<n>``: a URL button; Slack opens the URL and still sends the action,
  which the app only acknowledges.

Slack wants action ids unique within a block, so the second and later buttons of a kind in
one block carry a suffix: ``run_command.1``, ``run_command.2``, ``find_page.1``. Listen with
:data:`ACTION_PATTERNS` (``app.action(ACTION_PATTERNS["run_command"])``), or name an id
with :func:`action_name`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping

from bot.blocks.elements import button
from bot.blocks.limits import MAX_BUTTON_VALUE
from bot.blocks.truncation import cut_words, slack_len

RUN_COMMAND = "run_command"
FIND_PAGE = "find_page"
SHARE_IN_CHANNEL = "share_in_channel"
OPEN_LINK = "open_link"

ACTION_PATTERNS: Mapping[str, re.Pattern[str]] = {
    RUN_COMMAND: re.compile(r"^run_command(?:\.\d+)?$"),
    FIND_PAGE: re.compile(r"^find_page(?:\.\d+)?$"),
    SHARE_IN_CHANNEL: re.compile(r"^share_in_channel$"),
    OPEN_LINK: re.compile(r"^open_link_\d+$"),
}
"""Each action's ids, for ``app.action(pattern)``."""


def action_name(action_id: str) -> str:
    """The action an id belongs to: ``run_command.2`` is ``run_command``, ``open_link_3``
    is ``open_link``; an unknown id is returned as it is."""
    for name, pattern in ACTION_PATTERNS.items():
        if pattern.match(action_id):
            return name
    return action_id


def numbered(name: str) -> Iterator[str]:
    """``name``, ``name.1``, ``name.2``…: unique ids for buttons of one block."""
    yield name
    index = 1
    while True:
        yield f"{name}.{index}"
        index += 1


def command_value(command: str) -> str:
    """A command line as a button value: single spaces, cut at a word to 2000."""
    return cut_words(" ".join(command.split()), MAX_BUTTON_VALUE)


def fits_value(command: str) -> bool:
    """Whether a command line fits a button value whole (a cut one would run another)."""
    return slack_len(" ".join(command.split())) <= MAX_BUTTON_VALUE


def run_command_button(
    label: str, command: str, *, action_id: str = RUN_COMMAND, style: str | None = None
) -> dict[str, object]:
    """A button that runs ``command`` (a command line without the slash command)."""
    return button(label, action_id, value=command_value(command), style=style)


def find_page_value(query: str, offset: int) -> str:
    """``{"q": query, "offset": offset}`` as JSON of at most 2000 characters.

    A query too long for the value is cut at a word, so the value always parses.
    """
    offset = max(0, offset)
    text = " ".join(query.split())
    while True:
        value = json.dumps({"q": text, "offset": offset}, ensure_ascii=False)
        if slack_len(value) <= MAX_BUTTON_VALUE:
            return value
        text = cut_words(text, max(0, slack_len(text) - (slack_len(value) - MAX_BUTTON_VALUE)))


def parse_find_page(value: str) -> tuple[str, int]:
    """The query and offset of a ``find_page`` value.

    Raises:
        ValueError: the value is not one :func:`find_page_value` makes.
    """
    data = json.loads(value)
    if not isinstance(data, dict):
        raise ValueError("a find_page value is a JSON object")
    query, offset = data.get("q"), data.get("offset")
    if not isinstance(query, str) or isinstance(offset, bool) or not isinstance(offset, int):
        raise ValueError('a find_page value has "q" (text) and "offset" (a number)')
    return query, max(0, offset)


def share_button(command: str) -> dict[str, object]:
    """The "Share in channel" button; ``value`` is the command line that made the answer."""
    return button("Share in channel", SHARE_IN_CHANNEL, value=command_value(command))
