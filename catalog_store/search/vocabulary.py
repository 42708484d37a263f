"""The distinct tokens of the index, and which of them a typed word may mean.

The vocabulary is far smaller than the number of entities (names, tags and descriptions
reuse the same words), so a typed word is compared with the vocabulary, not with every
entity: exact tokens, tokens it is a prefix of, tokens one or two edits away (restricted
to tokens of about the same length, compared by rapidfuzz's optimal string alignment
distance so that a swapped pair of letters is one edit), tokens it abbreviates
(consonant skeleton or letters in order, found with one linear regular expression over
the tokens of the same first letter) and numeronyms (``k8s``).

A vocabulary is immutable: :meth:`Vocabulary.with_tokens` returns a new one sharing what
did not change, so readers never see one half-updated.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from catalog_store.search.text import (
    numeronym_parts,
    skeleton,
    subsequence_pattern,
)

EXACT = 1.0
TYPO_QUALITY = {1: 0.84, 2: 0.70}
"""Quality of a token one or two edits away from the typed word."""
SKELETON_QUALITY = 0.86
"""Quality of a token whose consonant skeleton is the typed word (``pymnt``)."""
NUMERONYM_QUALITY = 0.85
MAX_PREFIX_TOKENS = 300
MAX_TYPO_TOKENS = 100
MAX_ABBREVIATION_TOKENS = 150
MIN_PREFIX_LENGTH = 2
MIN_TYPO_LENGTH = 4
TWO_TYPOS_LENGTH = 8
"""Words this long tolerate two edits; shorter ones (from four letters) tolerate one."""

Offer = Callable[[str, float], None]
"""Records that a token matches, with a quality."""


def prefix_quality(typed: int, token: int) -> float:
    """Quality of a token that the typed word begins (more of it typed: closer to exact).

    Two letters say little (``go`` begins ``gossip`` and ``gold``), so they weigh less.
    """
    base = 0.78 if typed > 2 else 0.62
    return base + 0.17 * typed / token


def abbreviation_quality(typed: str, token: str) -> float:
    """Quality of a token whose letters include the typed word's, in order."""
    shape = skeleton(token)
    if shape == typed:
        return SKELETON_QUALITY
    return 0.60 + 0.22 * min(1.0, len(typed) / len(shape))


def typo_quality(distance: int, typed: str, token: str) -> float:
    """Quality of a token ``distance`` edits away (a wrong first letter costs a little more)."""
    quality = TYPO_QUALITY[distance]
    return quality - 0.04 if typed[0] != token[0] else quality


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The distinct tokens, arranged for the kinds of matching above."""

    tokens: frozenset[str]
    ordered: tuple[str, ...]
    by_length: Mapping[int, tuple[str, ...]]
    by_first: Mapping[str, str]
    """Tokens by first character, one per line, for the abbreviation pattern."""

    @classmethod
    def of(cls, tokens: Iterable[str]) -> Vocabulary:
        """A vocabulary of ``tokens``."""
        distinct = frozenset(tokens)
        by_length: dict[int, list[str]] = defaultdict(list)
        by_first: dict[str, list[str]] = defaultdict(list)
        for token in sorted(distinct):
            by_length[len(token)].append(token)
            by_first[token[0]].append(token)
        return cls(
            tokens=distinct,
            ordered=tuple(sorted(distinct)),
            by_length={n: tuple(found) for n, found in by_length.items()},
            by_first={c: "\n".join(found) for c, found in by_first.items()},
        )

    def __len__(self) -> int:
        return len(self.tokens)

    def with_tokens(self, tokens: Iterable[str]) -> Vocabulary:
        """This vocabulary with ``tokens`` added (itself when none is new)."""
        new = sorted(set(tokens) - self.tokens)
        if not new:
            return self
        ordered = list(self.ordered)
        by_length = dict(self.by_length)
        by_first = dict(self.by_first)
        lengths: dict[int, list[str]] = defaultdict(list)
        firsts: dict[str, list[str]] = defaultdict(list)
        for token in new:
            bisect.insort(ordered, token)
            lengths[len(token)].append(token)
            firsts[token[0]].append(token)
        for n, found in lengths.items():
            by_length[n] = tuple(sorted((*by_length.get(n, ()), *found)))
        for c, found in firsts.items():
            old = by_first.get(c)
            by_first[c] = "\n".join(sorted((*(old.split("\n") if old else ()), *found)))
        return Vocabulary(self.tokens | frozenset(new), tuple(ordered), by_length, by_first)

    def match(self, term: str) -> list[tuple[str, float]]:
        """The tokens ``term`` may mean, with the quality of each match, weakest first.

        Args:
            term: A case-folded word of the query (letters and digits).

        Returns:
            ``(token, quality)`` pairs; quality is 1.0 for the exact token and lower for
            prefixes, typos and abbreviations.
        """
        found: dict[str, float] = {}

        def offer(token: str, quality: float) -> None:
            if quality > found.get(token, 0.0):
                found[token] = quality

        if term in self.tokens:
            found[term] = EXACT
        if not term:
            return []
        self._prefixes(term, offer)
        self._typos(term, offer)
        self._abbreviations(term, offer)
        self._numeronym(term, offer)
        return sorted(found.items(), key=lambda pair: pair[1])

    def _prefixes(self, term: str, offer: Offer) -> None:
        if len(term) < MIN_PREFIX_LENGTH:
            return
        start = bisect.bisect_left(self.ordered, term)
        for token in self.ordered[start : start + MAX_PREFIX_TOKENS]:
            if not token.startswith(term):
                break
            if token != term:
                offer(token, prefix_quality(len(term), len(token)))

    def _typos(self, term: str, offer: Offer) -> None:
        if len(term) < MIN_TYPO_LENGTH:
            return
        limit = 2 if len(term) >= TWO_TYPOS_LENGTH else 1
        found: list[tuple[str, int]] = []
        for length in range(len(term) - limit, len(term) + limit + 1):
            bucket = self.by_length.get(length)
            if not bucket:
                continue
            for token, distance, _ in process.extract(
                term, bucket, scorer=OSA.distance, score_cutoff=limit, limit=None
            ):
                if distance > 0:
                    found.append((token, int(distance)))
        found.sort(key=lambda pair: pair[1])
        for token, distance in found[:MAX_TYPO_TOKENS]:
            offer(token, typo_quality(distance, term, token))

    def _abbreviations(self, term: str, offer: Offer) -> None:
        if len(term) < 2 or not term[0].isalpha():
            return
        lines = self.by_first.get(term[0])
        if not lines:
            return
        candidates = [
            token for token in subsequence_pattern(term).findall(lines) if len(token) > len(term)
        ]
        scored = sorted(
            ((abbreviation_quality(term, token), token) for token in candidates), reverse=True
        )
        for quality, token in scored[:MAX_ABBREVIATION_TOKENS]:
            offer(token, quality)

    def _numeronym(self, term: str, offer: Offer) -> None:
        parts = numeronym_parts(term)
        if parts is None:
            return
        first, count, last = parts
        for token in self.by_length.get(count + 2, ()):
            if token[0] == first and token[-1] == last and token.isalpha():
                offer(token, NUMERONYM_QUALITY)
