"""``owner [QUERY]``: who owns an entity; without a query, which teams I am on and what
they own."""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog_store.ownership import GroupInfo, OwnerAnswer, PersonInfo, UserInfo
from commands.entity_cards import EntityCard, entity_card
from commands.errors import CommandError
from commands.mentions import collect_mentions
from commands.services import Discovery
from commands.targets import clean_query, resolve_target

OWNED_LIMIT = 10


@dataclass(frozen=True, slots=True)
class OwnerReply:
    """The ``owner`` answer: either about an entity or about the person asking.

    Attributes:
        entity: The entity asked about; None when the person asked about themselves.
        owner: The entity's owner and how it was found.
        me: The person asking, with their groups and what those own.
        mentions: Slack user ids of the people named, keyed by user ref or email.
    """

    entity: EntityCard | None = None
    owner: OwnerAnswer | None = None
    me: UserInfo | None = None
    mentions: dict[str, str] = field(default_factory=dict)


def owner(discovery: Discovery, text: str, *, user_email: str | None = None) -> OwnerReply:
    """Answer ``owner``.

    Args:
        discovery: The services.
        text: An entity (name, words or ref); empty to ask about the person asking.
        user_email: The email of the person asking, to find them in the catalog.

    Raises:
        commands.errors.CommandError: the person is not in the catalog, or the query
            finds nothing.
    """
    if clean_query(text):
        target = resolve_target(discovery, text, example="owner payment-service")
        answer = discovery.ownership.owner_of(target.ref)
        people: list[PersonInfo] = []
        if answer is not None and isinstance(answer.owner, GroupInfo):
            people = list(answer.owner.members)
        elif answer is not None and isinstance(answer.owner, UserInfo):
            people = [answer.owner.person]
        return OwnerReply(
            entity=entity_card(target.ref, target.entity),
            owner=answer,
            mentions=collect_mentions(discovery, people=people),
        )
    if not user_email:
        raise CommandError(
            "I cannot tell who you are here; name what you want the owner of, "
            "for example `owner payment-service`."
        )
    person = discovery.ownership.find_user_by_email(user_email)
    if person is None:
        raise CommandError(
            f"No catalog User has the email {user_email}; ask your platform team to add "
            "`spec.profile.email` to your User entity, or name an entity: `owner payment-service`."
        )
    me = discovery.ownership.user(person.ref, limit=OWNED_LIMIT)
    if me is None:
        raise CommandError(f"{person.ref} is no longer in the catalog.")
    return OwnerReply(me=me, mentions=collect_mentions(discovery, people=[me.person]))
