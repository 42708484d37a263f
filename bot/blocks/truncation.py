"""Cutting text to Slack's limits, counting as Slack counts.

Slack counts UTF-16 code units: a character outside the Basic Multilingual Plane (most
emoji) counts two. Text cut for ``mrkdwn`` is never cut inside an entity (``&amp;``) or
a ``<…>`` token (a mention, a channel, a link, a date), which would break the markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

ELLIPSIS = "\u2026"
_ENTITY = re.compile(r"&(?:amp|lt|gt);")
_TOKEN = re.compile(r"<[^<>\n]*>")


def slack_len(text: str) -> int:
    """The length of ``text`` as Slack counts it (UTF-16 code units)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _prefix_within(text: str, limit: int) -> int:
    """How many characters of ``text`` fit into ``limit`` UTF-16 code units."""
    if slack_len(text) == len(text):
        return min(limit, len(text))
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def _safe_cut(text: str, cut: int) -> int:
    """Move ``cut`` back so it does not fall inside an entity or a ``<…>`` token."""
    for pattern in (_ENTITY, _TOKEN):
        start = max(0, cut - 3000) if pattern is _TOKEN else max(0, cut - 5)
        for match in pattern.finditer(text, start):
            if match.start() >= cut:
                break
            if match.start() < cut < match.end():
                cut = match.start()
                break
    return cut


def truncate(text: str, limit: int, *, ellipsis: str = ELLIPSIS) -> str:
    """``text`` cut to at most ``limit`` UTF-16 code units, ending with ``ellipsis`` when cut.

    The cut never splits an entity such as ``&amp;`` or a ``<…>`` token, and trailing
    blanks before the ellipsis are dropped.

    Args:
        text: The text, already escaped when it goes into ``mrkdwn``.
        limit: Slack's limit for the field.
        ellipsis: What marks the cut; empty for values that are read back (commands).
    """
    if slack_len(text) <= limit:
        return text
    room = max(0, limit - slack_len(ellipsis))
    cut = _safe_cut(text, _prefix_within(text, room))
    return text[:cut].rstrip() + ellipsis


def cut_words(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` code units, without ellipsis.

    The cut falls on the last blank when that keeps at least half of the room, so a
    single long word is cut inside rather than dropped.
    """
    if slack_len(text) <= limit:
        return text
    cut = _prefix_within(text, limit)
    blank = text.rfind(" ", 0, cut + 1)
    return text[: blank if blank >= cut // 2 and blank > 0 else cut].rstrip()


def join_within(
    items: Sequence[str],
    limit: int,
    *,
    separator: str = ", ",
    more: str = " and {n} more",
    total: int | None = None,
) -> str:
    """As many whole ``items`` as fit into ``limit``, then ``more`` with how many were left.

    Args:
        items: Pieces of text, each already escaped and cut.
        limit: The most code units the result may have.
        separator: What goes between items.
        more: Appended when items were left out, or when ``total`` says there are more;
            ``{n}`` is how many.
        total: How many items exist in all, when ``items`` is already a part of them.
    """
    count = len(items) if total is None else max(total, len(items))
    parts: list[str] = []
    used = 0
    for index, item in enumerate(items):
        left = count - index - 1
        tail = more.format(n=left) if left else ""
        piece = (separator if parts else "") + item
        if used + slack_len(piece) + slack_len(tail) <= limit:
            parts.append(piece)
            used += slack_len(piece)
            continue
        if not parts:
            tail_all = more.format(n=count - 1) if count > 1 else ""
            return truncate(truncate(item, max(1, limit - slack_len(tail_all))) + tail_all, limit)
        return "".join(parts) + more.format(n=count - index)
    left = count - len(items)
    return "".join(parts) + (more.format(n=left) if left > 0 else "")


def lines_within(
    lines: Iterable[str],
    limit: int,
    *,
    more: str = "\u2026 and {n} more",
    total: int | None = None,
) -> str:
    """Whole lines up to ``limit`` code units, then a line saying how many were left out.

    ``total`` counts the lines in all when ``lines`` holds only the first of them.
    """
    return join_within(list(lines), limit, separator="\n", more="\n" + more, total=total)
