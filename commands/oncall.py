"""``oncall GROUP|ENTITY``: who is on call now and next, and how to reach the team."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from catalog_store.oncall import OnCallAnswer
from catalog_store.search import SearchHit
from commands.entity_cards import EntityCard, entity_card
from commands.mentions import collect_mentions
from commands.services import Discovery
from commands.targets import resolve_target


@dataclass(frozen=True, slots=True)
class OnCallReply:
    """The ``oncall`` answer.

    Attributes:
        entity: The group or entity asked about.
        oncall: Now and next, the source, any problem and the team's contacts.
        mentions: Slack user ids of the people on call, keyed by user ref or email.
        alternatives: Other entities that matched the query.
    """

    entity: EntityCard
    oncall: OnCallAnswer
    mentions: dict[str, str] = field(default_factory=dict)
    alternatives: tuple[SearchHit, ...] = ()


def oncall(discovery: Discovery, text: str, *, at: datetime | None = None) -> OnCallReply:
    """Answer ``oncall``.

    Args:
        discovery: The services.
        text: A group or any entity: a name, words, or a full ref.
        at: The moment asked about; default now.

    Raises:
        commands.errors.CommandError: the query is empty or malformed, or finds nothing.
    """
    target = resolve_target(discovery, text, example="oncall payments-team")
    _owner, lean = discovery.ownership.owner_and_chain(target.ref)
    chain = lean or (target.entity,)
    answer = discovery.oncall.who_is_on_call(chain, at)
    return OnCallReply(
        entity=entity_card(target.ref, target.entity),
        oncall=answer,
        mentions=collect_mentions(discovery, oncall=answer),
        alternatives=target.alternatives,
    )
