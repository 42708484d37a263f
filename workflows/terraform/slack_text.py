"""Text for Slack's ``mrkdwn``: plan values escaped, and sections fitted to a size limit.

Every value that comes from a plan or a log goes through :func:`plain` or :func:`code`, so
it cannot mention anyone, link anywhere or open a quote. Sizes are counted as Slack counts
them (UTF-16 code units), and text is fitted by whole lines: a line is never cut in half.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from workflows.terraform.redaction import cut

_SPECIALS = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_BACKTICK_LOOKALIKE = "\u02cb"
_BROADCAST = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
MAX_ITEM_CHARS = 300
"""How many characters of one value (a detail, an address) a line shows at most."""


def slack_len(text: str) -> int:
    """The length of ``text`` as Slack counts it (UTF-16 code units)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def plain(value: str, limit: int = MAX_ITEM_CHARS) -> str:
    """A value on one line, cut to ``limit`` characters, with ``&``, ``<``, ``>`` escaped and
    a word joiner after the ``@`` of ``@channel``, ``@here`` and ``@everyone``."""
    return _BROADCAST.sub("@\u2060", cut(value, limit)).translate(_SPECIALS)


def code(value: str, limit: int = MAX_ITEM_CHARS) -> str:
    """A value as inline code: one line, cut, escaped, backticks replaced by a look-alike."""
    return "`" + plain(value.replace("`", _BACKTICK_LOOKALIKE), limit) + "`"


def more_line(count: int) -> str:
    """The line that stands for ``count`` items left out."""
    return f"... and {count} more"


@dataclass(frozen=True, slots=True)
class Section:
    """A titled list of lines; lines that do not fit are counted in "... and N more".

    Attributes:
        header: The section's first line (ours, already formatted).
        items: One formatted line per item, in the order they are shown.
        priority: Sections with a lower priority get room first; display keeps the
            given order.
    """

    header: str
    items: tuple[str, ...]
    priority: int = 0


def fit_sections(
    headline: str, sections: Sequence[Section], max_chars: int, *, preview: int = 3
) -> str:
    """The headline and the sections, within ``max_chars`` (as Slack counts), whole lines only.

    Every section keeps its header and, when it has items left out, a "... and N more"
    line. The room left goes to items: first up to ``preview`` items of each section, then
    the rest, both times section by section in priority order (a section's items keep
    their order). When even headers do not fit, the sections of lowest priority are
    summed up in one last "... and N more" line.

    Raises:
        ValueError: ``max_chars`` cannot hold the headline and one "... and N more" line.
    """
    sections = [section for section in sections if section.items]
    total_items = sum(len(section.items) for section in sections)
    floor = slack_len(headline) + (1 + slack_len(more_line(total_items)) if sections else 0)
    if floor > max_chars:
        raise ValueError(f"max_chars={max_chars} cannot hold the summary's headline")

    def cost(line: str) -> int:
        return 1 + slack_len(line)

    def minimal(section: Section) -> int:
        return cost(section.header) + cost(more_line(len(section.items)))

    def floor_of(kept: list[Section], dropped: int) -> int:
        """The size with every kept section at its smallest and the dropped ones summed up."""
        summed_up = cost(more_line(dropped)) if dropped else 0
        return slack_len(headline) + sum(map(minimal, kept)) + summed_up

    kept = list(sections)
    dropped = 0
    while kept and floor_of(kept, dropped) > max_chars:
        lowest = max(range(len(kept)), key=lambda index: (kept[index].priority, index))
        dropped += len(kept.pop(lowest).items)

    used = floor_of(kept, dropped)
    shown = [0] * len(kept)
    order = sorted(range(len(kept)), key=lambda index: kept[index].priority)
    for rounds_limit in (preview, None):
        for index in order:
            items = kept[index].items
            stop = len(items) if rounds_limit is None else min(rounds_limit, len(items))
            while shown[index] < stop:
                left = len(items) - shown[index]
                extra = cost(items[shown[index]]) - cost(more_line(left))
                extra += cost(more_line(left - 1)) if left > 1 else 0
                if used + extra > max_chars:
                    break
                used += extra
                shown[index] += 1

    lines = [headline]
    for section, count in zip(kept, shown, strict=True):
        lines.append(section.header)
        lines.extend(section.items[:count])
        if count < len(section.items):
            lines.append(more_line(len(section.items) - count))
    if dropped:
        lines.append(more_line(dropped))
    return "\n".join(lines)
