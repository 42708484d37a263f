"""Ownership and people: who owns an entity, a group's contacts, what a team owns.

Answers come from the catalog database (``relations`` and entity bodies) with a fixed,
small number of SQL statements each, for the Slack surface's hot path:

* :class:`Ownership`: ``owner_of`` (``spec.owner``, else through the entity's system
  and that system's domain, saying which), ``group`` (parents up to the root, members,
  email, Slack channel, own or inherited from the nearest parent that has one),
  ``owned_by_group`` (directly and through child groups, per kind, counted and
  limited), ``user`` (groups and what they own), ``find_user_by_email`` and
  ``owner_chain`` (entity dicts for picking an on-call provider).
* :class:`PeopleResolver`: the Slack user id of a catalog User, through a cached
  :class:`SlackUserDirectory` lookup by email.

Annotations:

* ``slack.com/channel-id`` (Group): the Slack channel id of the team, e.g. ``C0PAYMENTS``.
  Groups without one inherit the channel of their nearest parent group that has one.
* ``slack.com/channel-name`` (Group, optional): that channel's name, for display
  (``payments-team``, without ``#``); inherited together with the id.
* ``slack.com/user-id`` (User): the person's Slack user id, e.g. ``U0ALICE``; without it
  the person is looked up in Slack by ``spec.profile.email``.
"""

from catalog_store.ownership.entity_fields import (
    SLACK_CHANNEL_ID_ANNOTATION,
    SLACK_CHANNEL_NAME_ANNOTATION,
    SLACK_USER_ID_ANNOTATION,
)
from catalog_store.ownership.models import (
    FoundVia,
    GroupInfo,
    GroupSummary,
    OwnedEntities,
    OwnedEntity,
    OwnerAnswer,
    PersonInfo,
    UserInfo,
)
from catalog_store.ownership.people import PeopleResolver, SlackUserDirectory
from catalog_store.ownership.service import (
    DEFAULT_MEMBER_LIMIT,
    DEFAULT_OWNED_LIMIT,
    EntityOwnership,
    Ownership,
)

__all__ = [
    "DEFAULT_MEMBER_LIMIT",
    "DEFAULT_OWNED_LIMIT",
    "SLACK_CHANNEL_ID_ANNOTATION",
    "SLACK_CHANNEL_NAME_ANNOTATION",
    "SLACK_USER_ID_ANNOTATION",
    "EntityOwnership",
    "FoundVia",
    "GroupInfo",
    "GroupSummary",
    "OwnedEntities",
    "OwnedEntity",
    "OwnerAnswer",
    "Ownership",
    "PeopleResolver",
    "PersonInfo",
    "SlackUserDirectory",
    "UserInfo",
]
