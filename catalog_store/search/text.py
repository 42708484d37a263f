"""Words of entity fields and queries, and the short forms people type for them.

A field's text is cut into *words* at anything that is not a letter or digit
(``payment-service`` is ``payment service``); a word written in camel case also gives its
parts as extra tokens (``GitHub`` gives ``github``, ``git`` and ``hub``). Tokens are
case-folded. The helpers below recognise the short forms of a word: its consonant
skeleton (``pymnt`` for ``payment``), a subsequence of it (``pmts`` for ``payments``,
``svc`` for ``service``), a numeronym (``k8s`` for ``kubernetes``) and the initials of
several words (``ps`` for ``payment service``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

_CAMEL_CASE = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_CAMEL_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[^\W\d_A-Za-z]+")
_NUMERONYM = re.compile(r"^([a-z])([0-9]{1,2})([a-z])$")
_VOWELS = frozenset("aeiou")

MAX_WORD_LENGTH = 64
"""Longer words are cut in pieces of this length (long hashes or base64 in a field)."""
_WORD = re.compile(rf"[^\W_]{{1,{MAX_WORD_LENGTH}}}")

DESCRIPTION_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
    ]
)
"""Words left out of long free text (descriptions, link titles): too common to tell apart."""


class FieldWords(NamedTuple):
    """The words of one field value and every token to index for it.

    Attributes:
        words: The case-folded words, in order (the value's length is their count).
        tokens: The distinct tokens to index: the words and their camel-case parts.
    """

    words: list[str]
    tokens: frozenset[str]


def split_words(text: str) -> list[str]:
    """The case-folded words of ``text``, cut at anything but letters and digits.

    Args:
        text: Any text.

    Returns:
        The words in order; a word longer than :data:`MAX_WORD_LENGTH` is cut in pieces.
    """
    return _WORD.findall(text.casefold())


def tokens_of(text: str, stop_words: frozenset[str] = frozenset()) -> frozenset[str]:
    """The distinct tokens of a field's text: its words and their camel-case parts.

    Args:
        text: The field's text as written (case matters for camel-case parts).
        stop_words: Words to leave out.
    """
    tokens = frozenset(_WORD.findall(text.casefold()))
    if _CAMEL_CASE.search(text):
        parts = {
            part.casefold()
            for raw in _WORD.findall(text)
            if _CAMEL_CASE.search(raw)
            for part in _CAMEL_PART.findall(raw)
        }
        tokens = tokens | parts
    return tokens - stop_words if stop_words else tokens


def field_words(text: str, *, stop_words: frozenset[str] = frozenset()) -> FieldWords:
    """Cut a field's text into words and tokens.

    Args:
        text: The field's text as written (case matters for camel-case parts).
        stop_words: Words to leave out of the tokens.

    Returns:
        The words (for lengths and initials) and the tokens (for matching).
    """
    return FieldWords(_WORD.findall(text.casefold()), tokens_of(text, stop_words))


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """Where each word of ``text`` starts and ends, with its case-folded form."""
    return [(m.start(), m.end(), m.group().casefold()) for m in _WORD.finditer(text)]


def camel_parts(word: str) -> list[str]:
    """The case-folded camel-case parts of a word as written (itself when it has none)."""
    if not _CAMEL_CASE.search(word):
        return [word.casefold()]
    return [p.casefold() for p in _CAMEL_PART.findall(word)]


def initials(words: Sequence[str]) -> str:
    """The first letters of the words (``ps`` for ``payment service``)."""
    return "".join(w[0] for w in words if w)


def skeleton(word: str) -> str:
    """The word without the vowels after its first letter (``pymnt`` for ``payment``)."""
    return word[:1] + "".join(c for c in word[1:] if c not in _VOWELS)


def numeronym_parts(term: str) -> tuple[str, int, str] | None:
    """``(first, count, last)`` of a numeronym such as ``k8s`` or ``o11y``, else None."""
    match = _NUMERONYM.match(term)
    if match is None:
        return None
    return match.group(1), int(match.group(2)), match.group(3)


def subsequence_pattern(short: str) -> re.Pattern[str]:
    """A multi-line pattern of the lines that start with ``short[0]`` and hold the rest in order.

    Every step matches the characters up to the next wanted one, so the pattern runs in
    linear time whatever the line (no backtracking blow-up).
    """
    parts = [re.escape(short[0])]
    for char in short[1:]:
        escaped = re.escape(char)
        parts.append(f"[^\\n{escaped}]*{escaped}")
    return re.compile("^" + "".join(parts) + "[^\\n]*$", re.MULTILINE)
