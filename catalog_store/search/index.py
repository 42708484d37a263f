"""The in-memory search index: fuzzy, typo-tolerant search over catalog entities.

A query's words are first matched against the vocabulary of the index (see
:mod:`catalog_store.search.vocabulary`); the postings of the matched tokens then give,
per word and field, the match quality of every entity, computed with ``numpy`` over
all slots at once. An entity's score combines:

* **text** (weight 0.50): per query word, its best match over the fields, times the
  field's weight, averaged over the words;
* **cover** (0.35): how much of a primary field (name, alias, title) the words cover, so
  ``payment service`` prefers ``payment-service`` to ``payment-service-adapter``; the
  initials of a field (``ps``) cover all of it;
* **exact** (0.15): the words are a whole primary value, in any order or run together;

times the weight of the entity's kind (components and systems first, users last)
unless the query filters by kind. An entity needs at least half of the query's words to
match something. Ties are broken by entity ref, so pages are stable.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from catalog_store.model.refs import InvalidEntityRef, entity_ref_of, parse_entity_ref
from catalog_store.search.batch import PLACE_BASE, alias_keys
from catalog_store.search.documents import (
    FIELD_NUMBERS,
    FIELDS,
    PRIMARY_FIELDS,
    SearchDocument,
    document_of,
)
from catalog_store.search.index_state import (
    FIELD_WEIGHTS,
    PRIMARY_POSITION,
    PRIMARY_WEIGHTS,
    IndexState,
    Registry,
    Slots,
    apply_changes,
    build_state,
)
from catalog_store.search.query import ParsedQuery, parse_query
from catalog_store.search.results import FieldMatch, SearchHit, SearchPage
from catalog_store.search.text import FieldWords, field_words, initials
from catalog_store.search.vocabulary import Vocabulary

TEXT_WEIGHT = 0.50
COVER_WEIGHT = 0.35
EXACT_WEIGHT = 0.15
INITIALS_QUALITY = 0.85
MIN_SCORE = 0.12
"""Entities scoring less are not hits."""
MIN_COMPOUND = 6
"""Shorter words are not looked at as two words run together."""
ALIAS_NUMBER = FIELD_NUMBERS["alias"]
ALIAS_POSITION = PRIMARY_POSITION[ALIAS_NUMBER]
ALIAS_WEIGHT = FIELDS[ALIAS_NUMBER].weight
MAX_LIMIT = 100
MAX_OFFSET = 10_000
MAX_MATCHES = 8

Scores = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class _Found:
    """The scored candidates of a query, and what explains their matches."""

    slots: Slots
    scores: Scores
    tokens: dict[str, float]
    initials: frozenset[str]
    whole: frozenset[str]


class SearchIndex:
    """Fuzzy search over entities, held in memory.

    Queries and updates may run on different threads: an update builds a new version of
    the index and publishes it at once, so a query always sees one whole version.
    """

    def __init__(self, documents: Iterable[SearchDocument] = ()) -> None:
        """Index ``documents`` (see :func:`catalog_store.search.documents.document_of`)."""
        self._state = build_state(documents)
        self._write_lock = threading.Lock()

    @classmethod
    def from_entities(cls, entities: Iterable[Mapping[str, Any]]) -> SearchIndex:
        """Index entity bodies; an entity's uid is ``metadata.uid``, else its ref."""
        return cls(_documents(entities))

    def __len__(self) -> int:
        """The number of entities indexed."""
        return self._state.live

    @property
    def vocabulary_size(self) -> int:
        """The number of distinct tokens."""
        return len(self._state.vocabulary)

    def documents(self) -> Iterator[SearchDocument]:
        """Every indexed document, in no particular order."""
        return (doc for doc in self._state.docs if doc is not None)

    def document(self, entity_ref: str) -> SearchDocument | None:
        """The indexed document of an entity ref (case-insensitive), if any."""
        with self._write_lock:
            state = self._state
            slot = state.registry.slot_of_ref.get(entity_ref.lower())
            return None if slot is None else state.docs[slot]

    def replace_all(self, documents: Iterable[SearchDocument]) -> None:
        """Replace everything indexed with ``documents``."""
        state = build_state(documents)
        with self._write_lock:
            self._state = state

    def apply(
        self, upserts: Iterable[SearchDocument] = (), removed_ids: Iterable[str] = ()
    ) -> None:
        """Add or replace ``upserts`` and remove the entities of ``removed_ids`` (uids)."""
        with self._write_lock:
            state = self._state
            try:
                self._state = apply_changes(state, list(upserts), list(removed_ids))
            except BaseException:
                fresh = Registry.of(state.docs)
                state.registry.slot_of = fresh.slot_of
                state.registry.slot_of_ref = fresh.slot_of_ref
                state.registry.sorted_refs = fresh.sorted_refs
                raise

    def search(self, query: str | ParsedQuery, *, limit: int = 20, offset: int = 0) -> SearchPage:
        """Run a query.

        Args:
            query: The query text (see :func:`catalog_store.search.query.parse_query`) or
                a parsed query. A parsed query without words lists every entity that
                passes its filters, components and systems first.
            limit: The most hits to return (1 to 100).
            offset: How many of the best hits to skip (at most 10,000).

        Returns:
            The page of hits and the total number of matching entities.

        Raises:
            QueryError: The query text cannot be parsed.
        """
        parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
        limit = max(1, min(int(limit), MAX_LIMIT))
        offset = max(0, min(int(offset), MAX_OFFSET))
        state = self._state
        allowed = _filter_mask(state, parsed)
        by_kind = bool(parsed.filter_values("kind"))
        if parsed.terms:
            found = _score(state, parsed.terms, allowed, by_kind)
        else:
            slots = np.flatnonzero(allowed).astype(np.int32)
            weights = state.kind_weights[slots]
            scores = np.ones_like(weights) if by_kind else weights
            found = _Found(slots, scores, {}, frozenset(), frozenset())
        page = _top(state, found, offset, limit)
        hits = [_hit(state, int(slot), float(score), found) for slot, score in page]
        return SearchPage(hits, len(found.slots), offset, limit, parsed)


def _documents(entities: Iterable[Mapping[str, Any]]) -> Iterator[SearchDocument]:
    for entity in entities:
        metadata = entity.get("metadata")
        uid = metadata.get("uid") if isinstance(metadata, Mapping) else None
        if not isinstance(uid, str) or not uid:
            try:
                uid = entity_ref_of(entity).key
            except InvalidEntityRef:
                continue
        doc = document_of(uid, entity)
        if doc is not None:
            yield doc


def _filter_slots(state: IndexState, key: str, value: str) -> list[Slots]:
    index = state.filters.get(key, {})
    found = index.get(value)
    if found is not None:
        return [found]
    if key == "system" and (":" in value or "/" in value):
        named = index.get(value.rpartition("/")[2].rpartition(":")[2])
        return [] if named is None else [named]
    if key != "owner":
        return []
    if ":" in value or "/" in value:
        try:
            full = index.get(parse_entity_ref(value, default_kind="group").key)
        except InvalidEntityRef:
            return []
        return [] if full is None else [full]
    prefix = value + "-"
    return [slots for name, slots in index.items() if name.startswith(prefix) and "/" not in name]


def _filter_mask(state: IndexState, parsed: ParsedQuery) -> npt.NDArray[np.bool_]:
    mask = state.alive
    for clause in parsed.filters:
        passing = np.zeros(state.size, dtype=np.bool_)
        for value in clause.values:
            for slots in _filter_slots(state, clause.key, value):
                passing[slots] = True
        mask = mask & passing
    return mask


def split_compound(term: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    """A run-together word (``paymentservice``) as the two indexed words it is made of;
    any other word as itself."""
    if term in vocabulary.tokens or len(term) < MIN_COMPOUND or not term.isalpha():
        return (term,)
    for cut in range(len(term) - 3, 2, -1):
        if term[:cut] in vocabulary.tokens and term[cut:] in vocabulary.tokens:
            return (term[:cut], term[cut:])
    return (term,)


def _field_values(per_field: dict[int, Scores], number: int, size: int) -> Scores:
    values = per_field.get(number)
    if values is None:
        values = per_field[number] = np.zeros(size, dtype=np.float32)
    return values


@dataclass(frozen=True, slots=True)
class _TermHits:
    """Where one query term matched: ``(field number, slots, quality)`` assignments in
    order (a later one overwrites an earlier one), then initials (kept at least at
    :data:`INITIALS_QUALITY`)."""

    assigned: list[tuple[int, Slots, float]]
    initials: list[tuple[int, Slots]]


def _term_hits(
    state: IndexState, term: str, tokens: dict[str, float], initial_terms: set[str]
) -> _TermHits:
    assigned: list[tuple[int, Slots, float]] = []
    for token, quality in state.vocabulary.match(term):
        tokens[token] = max(quality, tokens.get(token, 0.0))
        for number, slots in state.postings.get(token, ()):
            assigned.append((number, slots, quality))
    found_initials: list[tuple[int, Slots]] = []
    places = state.initials.get(term) if len(term) >= 2 else None
    if places is not None:
        initial_terms.add(term)
        numbers = places % PLACE_BASE
        for number in np.unique(numbers).tolist():
            slots = np.unique(places[numbers == number] // PLACE_BASE).astype(np.int32)
            found_initials.append((number, slots))
    return _TermHits(assigned, found_initials)


def _candidates(size: int, hits: list[_TermHits], alias_slots: list[Slots]) -> Slots:
    """Every slot any term or alias touched, sorted: the only ones that can match."""
    touched = np.zeros(size, dtype=np.bool_)
    for hit in hits:
        for _number, slots, _quality in hit.assigned:
            touched[slots] = True
        for _number, slots in hit.initials:
            touched[slots] = True
    for slots in alias_slots:
        touched[slots] = True
    return np.flatnonzero(touched).astype(np.int32)


def _score(
    state: IndexState, typed: tuple[str, ...], allowed: npt.NDArray[np.bool_], by_kind: bool
) -> _Found:
    """Score the entities that match ``typed``.

    Only the slots some term or alias touched can match, so every array here is as long
    as that candidate set rather than the whole index: positions in it are "compact"
    (``np.searchsorted(candidates, slots)``), while state lookups use the slots.
    """
    terms = tuple(part for term in typed for part in split_compound(term, state.vocabulary))
    count = len(terms)
    tokens: dict[str, float] = {}
    initial_terms: set[str] = set()
    hits = [_term_hits(state, term, tokens, initial_terms) for term in terms]
    query_keys = frozenset(alias_keys(terms))
    alias_slots = [
        np.unique(places // PLACE_BASE).astype(np.int32)
        for key in query_keys
        if (places := state.alias_keys.get(key)) is not None
    ]
    candidates = _candidates(state.size, hits, alias_slots)
    size = len(candidates)
    positions = np.empty(state.size, dtype=np.int32)
    positions[candidates] = np.arange(size, dtype=np.int32)

    def compact(slots: Slots) -> Slots:
        return positions[slots]

    total = np.zeros(size, dtype=np.float32)
    matched_terms = np.zeros(size, dtype=np.uint8)
    cover = np.zeros((len(PRIMARY_FIELDS), size), dtype=np.float32)
    exact_terms = np.zeros((len(PRIMARY_FIELDS), size), dtype=np.uint8)
    initial_slots: list[tuple[int, Slots, Slots]] = []
    for hit in hits:
        per_field: dict[int, Scores] = {}
        for number, slots, quality in hit.assigned:
            _field_values(per_field, number, size)[compact(slots)] = quality
        for number, slots in hit.initials:
            at = compact(slots)
            values = _field_values(per_field, number, size)
            values[at] = np.maximum(values[at], INITIALS_QUALITY)
            initial_slots.append((number, slots, at))
        best: Scores | None = None
        for number, values in per_field.items():
            weighted = values * FIELD_WEIGHTS[number]
            best = weighted if best is None else np.maximum(best, weighted, out=best)
            position = PRIMARY_POSITION.get(number)
            if position is not None:
                cover[position] += values
                exact_terms[position] += values >= 1.0
        if best is not None:
            total += best
            matched_terms += best > 0
    for number, slots, at in initial_slots:
        position = PRIMARY_POSITION[number]
        rest = np.maximum(state.lengths[position, slots].astype(np.float32) - 1.0, 0.0)
        cover[position, at] += INITIALS_QUALITY * rest
    alias_exact = np.zeros(size, dtype=np.float32)
    for slots in alias_slots:
        at = compact(slots)
        alias_exact[at] = ALIAS_WEIGHT
        total[at] = np.maximum(total[at], ALIAS_WEIGHT * count)
        matched_terms[at] = count
        cover[ALIAS_POSITION, at] = np.maximum(
            cover[ALIAS_POSITION, at], state.lengths[ALIAS_POSITION, slots].astype(np.float32)
        )
    needed = (count + 1) // 2
    chosen = np.flatnonzero((matched_terms >= needed) & allowed[candidates])
    slots = candidates[chosen]
    covered = np.zeros(len(slots), dtype=np.float32)
    exact = alias_exact[chosen]
    for position, weight in enumerate(PRIMARY_WEIGHTS.tolist()):
        field_lengths = state.lengths[position, slots]
        share = cover[position, chosen] / np.maximum(field_lengths, count).astype(np.float32)
        np.maximum(covered, np.minimum(share, 1.0) * weight, out=covered)
        whole = (field_lengths == count) & (exact_terms[position, chosen] == count)
        np.maximum(exact, whole * np.float32(weight), out=exact)
    scores = (
        TEXT_WEIGHT * total[chosen] / count + COVER_WEIGHT * covered + EXACT_WEIGHT * exact
    ).astype(np.float32)
    if not by_kind:
        scores *= state.kind_weights[slots]
    keep = scores >= MIN_SCORE
    return _Found(slots[keep], scores[keep], tokens, frozenset(initial_terms), query_keys)


def _top(state: IndexState, found: _Found, offset: int, limit: int) -> list[tuple[int, float]]:
    wanted = offset + limit
    slots, scores = found.slots, found.scores
    if len(slots) > wanted:
        threshold = np.partition(scores, len(scores) - wanted)[len(scores) - wanted]
        near = scores >= threshold
        slots, scores = slots[near], scores[near]
    order = np.lexsort((state.order[slots], -scores))[offset:wanted]
    return [(int(slots[i]), float(scores[i])) for i in order]


@lru_cache(maxsize=8_192)
def _words_of(value: str, number: int) -> FieldWords:
    """The words of a field value (many hits share values: kinds, owners, tags...)."""
    return field_words(value, stop_words=FIELDS[number].stop_words)


def _matches(doc: SearchDocument, found: _Found) -> list[FieldMatch]:
    matches: list[FieldMatch] = []
    if not found.tokens and not found.initials and not found.whole:
        return matches
    for number, spec in enumerate(FIELDS):
        for value in doc.field_values(spec.name):
            words = _words_of(value, number)
            terms = sorted(words.tokens.intersection(found.tokens))
            if not terms and spec.primary and _whole_or_initials(words.words, found):
                terms = list(words.words)
            if terms:
                matches.append(FieldMatch(spec.name, value, tuple(terms)))
                if len(matches) >= MAX_MATCHES:
                    return matches
    return matches


def _whole_or_initials(words: list[str], found: _Found) -> bool:
    if len(words) >= 2 and initials(words) in found.initials:
        return True
    return bool(found.whole.intersection(alias_keys(words)))


def _hit(state: IndexState, slot: int, score: float, found: _Found) -> SearchHit:
    doc = state.docs[slot]
    assert doc is not None
    return SearchHit(
        entity_ref=doc.entity_ref,
        entity_id=doc.entity_id,
        kind=doc.kind,
        namespace=doc.namespace,
        name=doc.name,
        title=doc.title,
        description=doc.description,
        owner=doc.owner,
        system=doc.system,
        lifecycle=doc.lifecycle,
        type=doc.type,
        score=round(score, 4),
        matches=_matches(doc, found),
    )
