"""Slack user ids for the people an answer names, so renderers can mention them."""

from __future__ import annotations

from collections.abc import Iterable

from catalog_store.oncall import OnCallAnswer
from catalog_store.ownership import PersonInfo
from commands.services import Discovery


def person_key(user_ref: str | None, email: str | None) -> str | None:
    """How answers key a person in their ``mentions``: the user ref, else the email."""
    if user_ref:
        return user_ref.lower()
    return email.lower() if email else None


def collect_mentions(
    discovery: Discovery,
    *,
    people: Iterable[PersonInfo] = (),
    oncall: OnCallAnswer | None = None,
) -> dict[str, str]:
    """Slack user ids keyed by :func:`person_key`; empty without a Slack directory.

    A person the directory does not know, or a failing lookup, is simply left out, so the
    answer shows the name without a mention.
    """
    resolver = discovery.people
    if resolver is None:
        return {}
    found: dict[str, str] = {}
    for person in people:
        key = person_key(person.ref, person.email)
        if key is not None and key not in found:
            slack_id = resolver.slack_id_for_person(person)
            if slack_id:
                found[key] = slack_id
    shifts = [*oncall.now, *oncall.next] if oncall is not None else []
    for shift in shifts:
        who = shift.person
        key = person_key(who.user_ref, who.email)
        if key is None or key in found:
            continue
        slack_id = None
        if who.user_ref:
            user = discovery.lookup(who.user_ref)
            if user is not None:
                slack_id = resolver.slack_id_for(user)
        if slack_id is None:
            slack_id = resolver.slack_id_for_email(who.email)
        if slack_id:
            found[key] = slack_id
    return found
