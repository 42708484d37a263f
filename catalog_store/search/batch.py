"""What a batch of documents adds to the index, computed field by field.

Indexing works a column at a time: every value of one field across the batch is cut into
words with list comprehensions, and the field's postings are grouped by token with one
``numpy`` sort, so the per-entity interpreter work stays small (a 100,000-entity catalog
holds some three million postings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

from catalog_store.search.documents import (
    FIELD_NUMBERS,
    FIELDS,
    MAX_FIELD_TEXT,
    PRIMARY_FIELDS,
    SearchDocument,
    kind_weight,
)
from catalog_store.search.text import split_words, tokens_of

Slots = npt.NDArray[np.int32]
Places = npt.NDArray[np.int64]
"""Slots and field numbers together (see :func:`place`)."""
PLACE_BASE = 16
"""More than the number of fields."""
MAX_LENGTH = 255
"""Word counts are kept in one byte."""
PRIMARY_POSITION = {number: position for position, number in enumerate(PRIMARY_FIELDS)}
ALIAS_NUMBER = FIELD_NUMBERS["alias"]


@dataclass(slots=True)
class Batch:
    """The index entries of documents placed in slots ``first`` to ``first + len - 1``.

    Attributes:
        postings: Token to ``(field number, slots)`` pairs, fields ascending.
        lengths: Word counts of the primary fields, shape (primary fields, documents).
        initials: Initials of multi-word primary values to their places (see
            :func:`place`).
        alias_keys: Keys of alternate names (see :func:`alias_keys`) to their places.
        filters: Filter key to value to slots.
        weights: The kind weight of each document.
        tokens: Every token of the batch.
    """

    postings: dict[str, list[tuple[int, Slots]]]
    lengths: npt.NDArray[np.uint8]
    initials: dict[str, Places]
    alias_keys: dict[str, Places]
    filters: dict[str, dict[str, Slots]]
    weights: npt.NDArray[np.float32]
    tokens: list[str]


def alias_keys(words: Sequence[str]) -> set[str]:
    """The keys an alternate name is found by: its words sorted, and its words joined."""
    if not words:
        return set()
    return {" ".join(sorted(words)), "".join(words)}


def place(slot: int, number: int) -> int:
    """A slot and a field number in one integer: ``slot * PLACE_BASE + number``."""
    return slot * PLACE_BASE + number


def _as_slots(values: Sequence[int]) -> Slots:
    return np.asarray(values, dtype=np.int32)


Column = tuple[list[int], list[str]]
"""The slot of every value of a field in a batch, and the value (several per slot maybe)."""


def _single(slots: range, values: list[str | None]) -> Column:
    found_slots: list[int] = []
    texts: list[str] = []
    for slot, value in zip(slots, values, strict=True):
        if value:
            found_slots.append(slot)
            texts.append(value[:MAX_FIELD_TEXT])
    return found_slots, texts


def _multiple(slots: range, values: list[tuple[str, ...]]) -> Column:
    found_slots: list[int] = []
    texts: list[str] = []
    for slot, several in zip(slots, values, strict=True):
        for value in several:
            if value:
                found_slots.append(slot)
                texts.append(value[:MAX_FIELD_TEXT])
    return found_slots, texts


def _links(doc: SearchDocument) -> tuple[str, ...]:
    return tuple(text for link in doc.links for text in link)


_COLUMNS: tuple[
    tuple[str, Callable[[range, list[Any]], Column], Callable[[SearchDocument], Any]], ...
] = (
    ("name", _single, lambda doc: doc.name),
    ("alias", _multiple, lambda doc: doc.aliases),
    ("title", _single, lambda doc: doc.title),
    ("tag", _multiple, lambda doc: doc.tags),
    ("system", _single, lambda doc: doc.system),
    ("owner", _single, lambda doc: doc.owner_name),
    ("kind", _single, lambda doc: doc.kind),
    ("description", _single, lambda doc: doc.description),
    ("type", _single, lambda doc: doc.type),
    ("link", _multiple, _links),
)
"""How to read each field's values from documents."""


def _field_values(docs: Sequence[SearchDocument], first: int) -> Iterator[tuple[int, Column]]:
    """Each field's column, one at a time (so that only one is held at once)."""
    slots = range(first, first + len(docs))
    for name, collect, read in _COLUMNS:
        yield FIELD_NUMBERS[name], collect(slots, [read(doc) for doc in docs])


def _token_sets(number: int, texts: list[str]) -> list[frozenset[str]]:
    spec = FIELDS[number]
    if spec.repeated:
        distinct = {text: tokens_of(text, spec.stop_words) for text in dict.fromkeys(texts)}
        return list(map(distinct.__getitem__, texts))
    return [tokens_of(text, spec.stop_words) for text in texts]


def _per_slot(
    slots: list[int], sets: list[frozenset[str]]
) -> tuple[list[int], list[frozenset[str]]]:
    """Merge the token sets of the values of one slot (slots come grouped)."""
    if len(set(slots)) == len(slots):
        return slots, sets
    merged_slots: list[int] = []
    merged: list[frozenset[str]] = []
    for slot, tokens in zip(slots, sets, strict=True):
        if merged_slots and merged_slots[-1] == slot:
            merged[-1] = merged[-1] | tokens
        else:
            merged_slots.append(slot)
            merged.append(tokens)
    return merged_slots, merged


def _filters(docs: Sequence[SearchDocument], first: int) -> dict[str, dict[str, Slots]]:
    found: dict[str, dict[str, list[int]]] = {
        key: defaultdict(list) for key in ("kind", "namespace", "lifecycle", "type", "system")
    }
    tags: dict[str, list[int]] = defaultdict(list)
    owners: dict[str, list[int]] = defaultdict(list)
    for slot, doc in enumerate(docs, start=first):
        found["kind"][doc.kind.lower()].append(slot)
        found["namespace"][doc.namespace.lower()].append(slot)
        if doc.lifecycle:
            found["lifecycle"][doc.lifecycle.lower()].append(slot)
        if doc.type:
            found["type"][doc.type.lower()].append(slot)
        if doc.system:
            found["system"][doc.system.lower()].append(slot)
        for tag in doc.tags:
            tags[tag.lower()].append(slot)
        if doc.owner_ref:
            namespace, _, name = doc.owner_ref.partition(":")[2].partition("/")
            for value in {name, f"{namespace}/{name}", doc.owner_ref}:
                owners[value].append(slot)
    found["tag"] = tags
    found["owner"] = owners
    return {
        key: {value: _as_slots(slots) for value, slots in values.items()}
        for key, values in found.items()
    }


def _primary(
    number: int,
    position: int,
    slots: list[int],
    texts: list[str],
    first: int,
    lengths: npt.NDArray[np.uint8],
    initial_places: dict[str, list[int]],
    alias_places: dict[str, list[int]],
) -> None:
    """Word counts, initials and alternate-name keys of a primary field's values."""
    words = [split_words(text) for text in texts]
    counts = np.minimum(np.fromiter(map(len, words), dtype=np.int64, count=len(words)), MAX_LENGTH)
    columns = np.asarray(slots, dtype=np.int64) - first
    np.maximum.at(lengths[position], columns, counts.astype(np.uint8))
    for slot, split in zip(slots, words, strict=True):
        if len(split) >= 2:
            initial_places["".join(word[0] for word in split)].append(place(slot, number))
        if number == ALIAS_NUMBER:
            for key in alias_keys(split):
                alias_places[key].append(place(slot, number))


def _group(
    number: int,
    slots: list[int],
    sets: list[frozenset[str]],
    postings: dict[str, list[tuple[int, Slots]]],
) -> None:
    """Add one field's postings: every token with the slots holding it, in slot order."""
    flat = list(chain.from_iterable(sets))
    if not flat:
        return
    tokens = list(dict.fromkeys(flat))
    ids = {token: i for i, token in enumerate(tokens)}
    token_ids = np.fromiter(map(ids.__getitem__, flat), dtype=np.int32, count=len(flat))
    counts = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
    owners = np.repeat(np.asarray(slots, dtype=np.int32), counts)
    order = np.argsort(token_ids, kind="stable")
    token_ids, owners = token_ids[order], owners[order]
    bounds = np.flatnonzero(np.diff(token_ids)) + 1
    starts = np.concatenate((np.zeros(1, dtype=np.int64), bounds))
    for token_id, chunk in zip(token_ids[starts].tolist(), np.split(owners, bounds), strict=True):
        postings.setdefault(tokens[token_id], []).append((number, chunk))


def build_batch(docs: Sequence[SearchDocument], first: int) -> Batch:
    """The index entries of ``docs``, given the slots from ``first`` on in order."""
    count = len(docs)
    lengths = np.zeros((len(PRIMARY_FIELDS), count), dtype=np.uint8)
    initial_places: dict[str, list[int]] = defaultdict(list)
    alias_places: dict[str, list[int]] = defaultdict(list)
    postings: dict[str, list[tuple[int, Slots]]] = {}
    for number, (slots, texts) in _field_values(docs, first):
        if not slots:
            continue
        position = PRIMARY_POSITION.get(number)
        if position is not None:
            _primary(number, position, slots, texts, first, lengths, initial_places, alias_places)
        slot_list, sets = _per_slot(slots, _token_sets(number, texts))
        _group(number, slot_list, sets, postings)
    weights = np.fromiter((kind_weight(doc.kind) for doc in docs), dtype=np.float32, count=count)
    return Batch(
        postings=postings,
        lengths=lengths,
        initials={key: np.asarray(found, dtype=np.int64) for key, found in initial_places.items()},
        alias_keys={key: np.asarray(found, dtype=np.int64) for key, found in alias_places.items()},
        filters=_filters(docs, first),
        weights=weights,
        tokens=list(postings),
    )
