"""Catalog text made safe for ``mrkdwn``, and the only markup answers add to it.

Everything the catalog provides (names, titles, descriptions, tags, emails, link titles)
goes through :func:`escape` before it is put into a ``mrkdwn`` text object, so it cannot
ping ``@channel``, mention people, link anywhere or turn a name bold. Mentions, channel
links, URLs and dates come only from the functions below, which check their input.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.blocks.limits import MAX_URL

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
"""A Slack user id that may be mentioned."""
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
"""A Slack channel id that may be linked."""

_SLACK_SPECIALS = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_LOOKALIKES = {
    "*": "\u2217",  # asterisk operator
    "_": "\u02cd",  # modifier letter low macron
    "~": "\u223c",  # tilde operator
    "`": "\u02cb",  # modifier letter grave accent
}
_BROADCAST = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_QUOTE_START = re.compile(r"^(?=&gt;)", re.MULTILINE)
_URL_BREAKERS = re.compile(r"[\s\x00-\x1f\x7f]")
_WORD_JOINER = "\u2060"
_SOFT_HYPHEN = "\u00ad"


def escape_specials(text: str) -> str:
    """``&``, ``<`` and ``>`` as Slack's entities, and no ``@channel``; markers stay.

    For text that is ours and may carry ``mrkdwn`` on purpose but can quote what a person
    typed (help, command messages); catalog text goes through :func:`escape`.
    """
    return _BROADCAST.sub("@" + _WORD_JOINER, text).translate(_SLACK_SPECIALS)


def _neutral_markers(text: str) -> str:
    """Formatting markers that could open or close bold, italic, strike or code, replaced.

    An underscore between two letters or digits (``payment_service``) cannot format and
    stays; every other marker is replaced with a character that looks alike, so catalog
    text can also sit inside the bold markers answers add.
    """
    if not any(marker in text for marker in _LOOKALIKES):
        return text
    out = []
    last = len(text) - 1
    for index, char in enumerate(text):
        lookalike = _LOOKALIKES.get(char)
        if lookalike is None:
            out.append(char)
            continue
        inside_word = (
            char == "_"
            and 0 < index < last
            and text[index - 1].isalnum()
            and text[index + 1].isalnum()
        )
        out.append(char if inside_word else lookalike)
    return "".join(out)


def escape(text: str) -> str:
    """Catalog text ready for a ``mrkdwn`` text object, shown as written.

    ``&``, ``<`` and ``>`` become entities (no mentions, links or ``<!here>``), formatting
    markers that could apply become look-alike characters, ``@channel``/``@here``/
    ``@everyone`` get a word joiner after the ``@``, and a line starting with ``>`` is not
    taken as a quote.
    """
    text = _neutral_markers(text)
    text = _BROADCAST.sub("@" + _WORD_JOINER, text)
    text = text.translate(_SLACK_SPECIALS)
    return _QUOTE_START.sub(_SOFT_HYPHEN, text)


def one_line(text: str) -> str:
    """``text`` with line breaks and runs of blanks made single spaces."""
    return " ".join(text.split())


def mention(user_id: str | None) -> str | None:
    """``<@U…>`` for a valid Slack user id; None for anything else."""
    if user_id and USER_ID.match(user_id):
        return f"<@{user_id}>"
    return None


def channel_link(channel_id: str | None) -> str | None:
    """``<#C…>`` for a valid Slack channel id; None for anything else."""
    if channel_id and CHANNEL_ID.match(channel_id):
        return f"<#{channel_id}>"
    return None


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s), without blanks or controls, and fits a button."""
    if not url or len(url) > MAX_URL or not url.lower().startswith(("http://", "https://")):
        return None
    if _URL_BREAKERS.search(url):
        return None
    return url


def link(url: str, label: str) -> str:
    """``<url|label>`` for an http(s) URL from :func:`safe_url`; the label is escaped."""
    target = escape_specials(url).replace("|", "%7C")
    return f"<{target}|{escape(one_line(label)) or target}>"


def date_token(moment: datetime, *, format: str = "{date_short_pretty} {time}") -> str:
    """A date Slack shows in the reader's time zone, with a UTC fallback.

    ``<!date^1704279600^{date_short_pretty} {time}|2024-01-03 11:00 UTC>``.
    """
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    fallback = aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(aware.timestamp())}^{format}|{fallback}>"
