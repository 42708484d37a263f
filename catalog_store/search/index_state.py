"""The data of a search index, built at once or updated entity by entity.

An :class:`IndexState` is never changed once published: an update builds a new state
that shares every unchanged part with the old one, and the index swaps it in with one
assignment, so a query reads one consistent state without locks. Only the
:class:`Registry` (where each entity sits, which queries never read) is kept by the
writer and changed in place.

Each entity gets a *slot*, a position in per-entity arrays. Postings map every token to
the slots holding it, per field (``numpy`` arrays of slots). Updating an entity retires
its slot (a cleared ``alive`` flag) and appends a new one, so no posting array is
rewritten except to append; once retired slots make up a large share of the arrays the
state is rebuilt from its live documents.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from catalog_store.gc_pause import paused_gc
from catalog_store.search.batch import PRIMARY_POSITION, Batch, Places, Slots, build_batch
from catalog_store.search.documents import FIELDS, PRIMARY_FIELDS, SearchDocument
from catalog_store.search.vocabulary import Vocabulary

Postings = tuple[tuple[int, Slots], ...]
"""``(field number, slots)`` pairs of one token, fields ascending."""

REBUILD_SHARE = 0.25
"""Rebuild once retired slots exceed this share of the live ones..."""
REBUILD_MIN = 2_000
"""...and this many."""

FIELD_WEIGHTS = np.asarray([spec.weight for spec in FIELDS], dtype=np.float32)
PRIMARY_WEIGHTS = np.asarray([FIELDS[n].weight for n in PRIMARY_FIELDS], dtype=np.float32)
__all__ = ["PRIMARY_POSITION", "IndexState", "Registry", "Slots", "apply_changes", "build_state"]


@dataclass(slots=True)
class Registry:
    """Where each live entity sits; the writer keeps it and changes it in place.

    Attributes:
        slot_of: Entity uid to slot.
        slot_of_ref: Lower-cased entity ref to slot.
        sorted_refs: Every live ref, sorted (to order new refs among them).
    """

    slot_of: dict[str, int]
    slot_of_ref: dict[str, int]
    sorted_refs: list[str]

    @classmethod
    def of(cls, docs: Sequence[SearchDocument | None]) -> Registry:
        """The registry of the live documents of ``docs`` (by slot)."""
        slot_of: dict[str, int] = {}
        slot_of_ref: dict[str, int] = {}
        for slot, doc in enumerate(docs):
            if doc is not None:
                slot_of[doc.entity_id] = slot
                slot_of_ref[doc.entity_ref] = slot
        return cls(slot_of, slot_of_ref, sorted(slot_of_ref))


@dataclass(frozen=True, slots=True)
class IndexState:
    """One immutable version of the index.

    Attributes:
        docs: The document of every slot (None for retired slots).
        alive: Whether each slot holds a current document.
        kind_weights: The kind weight of each slot.
        order: A number per slot that sorts like the entity refs (ties are broken by it).
        lengths: Word counts of the primary fields per slot, shape (primary fields, slots).
        postings: Token to ``(field, slots)`` pairs.
        initials: The initials of multi-word primary values to their places.
        alias_keys: The keys of alternate names to their places.
        filters: Filter key to value to slots.
        vocabulary: Every token.
        retired: How many slots are retired.
        registry: The writer's registry (shared by the versions it produced).
    """

    docs: list[SearchDocument | None]
    alive: npt.NDArray[np.bool_]
    kind_weights: npt.NDArray[np.float32]
    order: npt.NDArray[np.float64]
    lengths: npt.NDArray[np.uint8]
    postings: dict[str, Postings]
    initials: dict[str, Places]
    alias_keys: dict[str, Places]
    filters: dict[str, dict[str, Slots]]
    vocabulary: Vocabulary
    retired: int
    registry: Registry

    @property
    def size(self) -> int:
        """The number of slots, live or retired."""
        return len(self.docs)

    @property
    def live(self) -> int:
        """The number of live documents."""
        return len(self.docs) - self.retired


def _latest(documents: Iterable[SearchDocument]) -> list[SearchDocument]:
    """One document per uid and per ref, the later one winning."""
    by_ref: dict[str, SearchDocument] = {}
    ref_of_id: dict[str, str] = {}
    for doc in documents:
        previous = ref_of_id.get(doc.entity_id)
        if previous is not None and previous != doc.entity_ref:
            by_ref.pop(previous, None)
        old = by_ref.get(doc.entity_ref)
        if old is not None and old.entity_id != doc.entity_id:
            ref_of_id.pop(old.entity_id, None)
        ref_of_id[doc.entity_id] = doc.entity_ref
        by_ref[doc.entity_ref] = doc
    return list(by_ref.values())


def build_state(documents: Iterable[SearchDocument]) -> IndexState:
    """A state holding ``documents`` (a later document with the same uid or ref wins)."""
    with paused_gc():
        return _build_state(_latest(documents))


def _build_state(docs: list[SearchDocument]) -> IndexState:
    batch = build_batch(docs, 0)
    registry = Registry.of(docs)
    order = np.zeros(len(docs), dtype=np.float64)
    for position, ref in enumerate(registry.sorted_refs):
        order[registry.slot_of_ref[ref]] = float(position)
    return IndexState(
        docs=list(docs),
        alive=np.ones(len(docs), dtype=np.bool_),
        kind_weights=batch.weights,
        order=order,
        lengths=batch.lengths,
        postings={token: tuple(pairs) for token, pairs in batch.postings.items()},
        initials=batch.initials,
        alias_keys=batch.alias_keys,
        filters=batch.filters,
        vocabulary=Vocabulary.of(batch.tokens),
        retired=0,
        registry=registry,
    )


def _merge_postings(old: Postings, added: list[tuple[int, Slots]]) -> Postings:
    merged = dict(old)
    for number, slots in added:
        previous = merged.get(number)
        merged[number] = slots if previous is None else np.concatenate((previous, slots))
    return tuple(sorted(merged.items(), key=lambda pair: pair[0]))


def _place_order(order: npt.NDArray[np.float64], registry: Registry, ref: str) -> bool:
    """Insert ``ref`` into the sorted refs and give its slot an order between its neighbours.

    Returns:
        False when no number is left between the neighbours (the caller renumbers).
    """
    refs, slot_of_ref = registry.sorted_refs, registry.slot_of_ref
    position = bisect.bisect_left(refs, ref)
    refs.insert(position, ref)
    left = float(order[slot_of_ref[refs[position - 1]]]) if position > 0 else None
    right = float(order[slot_of_ref[refs[position + 1]]]) if position + 1 < len(refs) else None
    if left is None:
        value = 0.0 if right is None else right - 1.0
    elif right is None:
        value = left + 1.0
    else:
        value = (left + right) / 2.0
        if not left < value < right:
            return False
    order[slot_of_ref[ref]] = value
    return True


def apply_changes(
    state: IndexState, upserts: Sequence[SearchDocument], removed_ids: Iterable[str]
) -> IndexState:
    """A new state with ``upserts`` added or replaced and ``removed_ids`` gone.

    An upsert replaces the document of the same uid, and any other document of the same
    ref. Unknown uids in ``removed_ids`` are ignored. The state's registry is updated in
    place; if this raises, rebuild it with :meth:`Registry.of` from ``state.docs``.

    Args:
        state: The current state (its published parts are left unchanged).
        upserts: Documents to add or replace.
        removed_ids: Uids of entities to remove.

    Returns:
        The new state.
    """
    with paused_gc():
        return _apply_changes(state, _latest(upserts), removed_ids)


def _retiring(
    registry: Registry, latest: list[SearchDocument], removed_ids: Iterable[str]
) -> set[int]:
    retiring: set[int] = set()
    for entity_id in removed_ids:
        slot = registry.slot_of.get(entity_id)
        if slot is not None:
            retiring.add(slot)
    for doc in latest:
        for slot in (registry.slot_of.get(doc.entity_id), registry.slot_of_ref.get(doc.entity_ref)):
            if slot is not None:
                retiring.add(slot)
    return retiring


def _apply_changes(
    state: IndexState, latest: list[SearchDocument], removed_ids: Iterable[str]
) -> IndexState:
    registry = state.registry
    retiring = _retiring(registry, latest, removed_ids)
    if not retiring and not latest:
        return state
    retired = state.retired + len(retiring)
    if retired > REBUILD_MIN and retired > REBUILD_SHARE * (state.live - len(retiring)):
        keep = [d for s, d in enumerate(state.docs) if d is not None and s not in retiring]
        return _build_state(_latest([*keep, *latest]))

    docs = list(state.docs)
    alive = state.alive.copy()
    kept_order: dict[str, float] = {}
    for slot in retiring:
        old = docs[slot]
        assert old is not None
        docs[slot] = None
        alive[slot] = False
        if registry.slot_of.get(old.entity_id) == slot:
            del registry.slot_of[old.entity_id]
        if registry.slot_of_ref.get(old.entity_ref) == slot:
            del registry.slot_of_ref[old.entity_ref]
            kept_order[old.entity_ref] = float(state.order[slot])

    first = len(docs)
    batch = build_batch(latest, first)
    docs.extend(latest)
    order = np.concatenate((state.order, np.zeros(len(latest), dtype=np.float64)))
    new_refs: list[str] = []
    for slot, doc in enumerate(latest, start=first):
        registry.slot_of[doc.entity_id] = slot
        registry.slot_of_ref[doc.entity_ref] = slot
        kept = kept_order.pop(doc.entity_ref, None)
        if kept is None:
            new_refs.append(doc.entity_ref)
        else:
            order[slot] = kept
    for ref in kept_order:
        position = bisect.bisect_left(registry.sorted_refs, ref)
        if position < len(registry.sorted_refs) and registry.sorted_refs[position] == ref:
            del registry.sorted_refs[position]
    if not all([_place_order(order, registry, ref) for ref in new_refs]):
        for position, ref in enumerate(registry.sorted_refs):
            order[registry.slot_of_ref[ref]] = float(position)
    postings, filters = _merged_entries(state, batch)
    return IndexState(
        docs=docs,
        alive=np.concatenate((alive, np.ones(len(latest), dtype=np.bool_))),
        kind_weights=np.concatenate((state.kind_weights, batch.weights)),
        order=order,
        lengths=np.concatenate((state.lengths, batch.lengths), axis=1),
        postings=postings,
        initials=_merged_places(state.initials, batch.initials),
        alias_keys=_merged_places(state.alias_keys, batch.alias_keys),
        filters=filters,
        vocabulary=state.vocabulary.with_tokens(batch.tokens),
        retired=retired,
        registry=registry,
    )


def _merged_places(old: dict[str, Places], added: dict[str, Places]) -> dict[str, Places]:
    if not added:
        return old
    merged = dict(old)
    for key, places in added.items():
        previous = merged.get(key)
        merged[key] = places if previous is None else np.concatenate((previous, places))
    return merged


def _merged_entries(
    state: IndexState, batch: Batch
) -> tuple[dict[str, Postings], dict[str, dict[str, Slots]]]:
    """The postings and filters of ``state`` with ``batch`` added."""
    postings = dict(state.postings)
    for token, pairs in batch.postings.items():
        postings[token] = _merge_postings(postings.get(token, ()), pairs)
    filters = dict(state.filters)
    for key, values in batch.filters.items():
        inner = dict(filters.get(key, {}))
        for value, slots in values.items():
            previous_slots = inner.get(value)
            inner[value] = (
                slots if previous_slots is None else np.concatenate((previous_slots, slots))
            )
        filters[key] = inner
    return postings, filters
