"""Oversized and hostile answers, built directly, for the renderers' limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from catalog_store.oncall import OnCallAnswer, OnCallContact, OnCallPerson, OnCallShift
from catalog_store.ownership import (
    GroupInfo,
    GroupSummary,
    OwnedEntities,
    OwnedEntity,
    OwnerAnswer,
    PersonInfo,
    UserInfo,
)
from catalog_store.search import FieldMatch, SearchHit
from commands.entity_cards import EntityCard, Link
from commands.find import FindAnswer
from commands.whois import WhoisAnswer

EVIL = "*bold* _it_ ~gone~ `code` <!channel> <@U0ALICE> <https://evil.example|click> &amp; @here"
LONG_NAME = "a-very-long-service-name-" + "x" * 100
NOW = datetime(2024, 1, 3, 11, 0, tzinfo=UTC)


def card(
    *,
    name: str = "payment-service",
    title: str | None = "Payment Service",
    description: str | None = "Takes payments.",
    kind: str = "Component",
    tags: tuple[str, ...] = ("java",),
    links: tuple[Link, ...] = (),
) -> EntityCard:
    return EntityCard(
        ref=f"{kind.lower()}:default/{name.lower()}",
        kind=kind,
        namespace="default",
        name=name,
        title=title,
        description=description,
        type="service",
        lifecycle="production",
        system=name,
        owner=name,
        tags=tags,
        links=links,
    )


def people(count: int, *, label: str = "Person") -> tuple[PersonInfo, ...]:
    return tuple(
        PersonInfo(
            ref=f"user:default/p{i}",
            name=f"p{i}",
            display_name=f"{label} {i}",
            email=f"p{i}@acme.example",
        )
        for i in range(count)
    )


def group(
    *,
    members: int = 3,
    name: str = "payments-team",
    title: str | None = "Payments",
    channel: str | None = "C0PAYMENTS",
    parents: int = 1,
) -> GroupInfo:
    return GroupInfo(
        ref=f"group:default/{name.lower()}",
        name=name,
        title=title,
        email="payments@acme.example",
        slack_channel_id=channel,
        slack_channel_name="payments",
        channel_inherited_from=None,
        parents=tuple(
            GroupSummary(f"group:default/parent{i}", f"parent{i}") for i in range(parents)
        ),
        members=people(members),
        children=(),
        member_count=members,
        child_count=0,
    )


def owned(
    per_kind: dict[str, int], *, owner_ref: str = "group:default/payments-team"
) -> OwnedEntities:
    items = tuple(
        OwnedEntity(
            ref=f"{kind.lower()}:default/{kind.lower()}-{i}",
            kind=kind,
            name=f"{kind.lower()}-{i}",
            title=None,
            owner_ref=owner_ref,
            direct=True,
        )
        for kind, count in per_kind.items()
        for i in range(count)
    )
    return OwnedEntities(owner_ref, (owner_ref,), dict(per_kind), items, limit=10_000)


def shifts(count: int, *, upcoming: bool = False) -> list[OnCallShift]:
    return [
        OnCallShift(
            person=OnCallPerson(
                name=f"Person {i}", email=f"p{i}@acme.example", user_ref=f"user:default/p{i}"
            ),
            start=NOW + timedelta(hours=8) if upcoming else NOW - timedelta(hours=1),
            end=NOW + timedelta(hours=8 + i),
            level=i + 1,
            layer="weekly",
        )
        for i in range(count)
    ]


def oncall_answer(*, now: int = 1, following: int = 1, problem: str | None = None) -> OnCallAnswer:
    return OnCallAnswer(
        source="schedule",
        subject_ref="group:default/payments-team",
        schedule_name="Payments primary",
        now=shifts(now),
        next=shifts(following, upcoming=True),
        problem=problem,
        contacts=[
            OnCallContact("slack_channel", "C0PAYMENTS", "group:default/payments-team"),
            OnCallContact("email", "payments@acme.example", "group:default/payments-team"),
        ],
    )


def component_whois(
    entity: EntityCard,
    *,
    team: GroupInfo | None = None,
    oncall: OnCallAnswer | None = None,
    mentions: dict[str, str] | None = None,
    alternatives: tuple[SearchHit, ...] = (),
) -> WhoisAnswer:
    team = team or group()
    owner = OwnerAnswer(entity.ref, entity.title, team.ref, team, "direct")
    return WhoisAnswer(
        entity=entity,
        matched=(FieldMatch("name", entity.name, ("payment",)),),
        owner=owner,
        group=None,
        user=None,
        owned=None,
        oncall=oncall or oncall_answer(),
        mentions={"user:default/p0": "U0P0"} if mentions is None else mentions,
        alternatives=alternatives,
    )


def group_whois(team: GroupInfo, owns: OwnedEntities) -> WhoisAnswer:
    return WhoisAnswer(
        entity=card(name=team.name, title=team.title, kind="Group"),
        matched=(),
        owner=None,
        group=team,
        user=None,
        owned=owns,
        oncall=oncall_answer(),
        mentions={m.ref: f"U0P{i}" for i, m in enumerate(team.members)},
    )


def user_whois(groups: int) -> WhoisAnswer:
    user = UserInfo(
        ref="user:default/alice",
        name="alice",
        display_name="Alice",
        email="alice@acme.example",
        slack_user_id=None,
        groups=tuple(
            GroupSummary(f"group:default/g{i}", f"g{i}", f"Group {i}") for i in range(groups)
        ),
        owned=owned({"Component": 300}),
    )
    return WhoisAnswer(
        entity=card(name="alice", title="Alice", kind="User"),
        matched=(),
        owner=None,
        group=None,
        user=user,
        owned=user.owned,
        oncall=None,
        mentions={"user:default/alice": "U0ALICE"},
    )


def hits(count: int, *, name: str = "service", start: int = 0) -> tuple[SearchHit, ...]:
    return tuple(
        SearchHit(
            entity_ref=f"component:default/{name}-{i}",
            entity_id=f"id-{i}",
            kind="Component",
            namespace="default",
            name=f"{name}-{i}",
            title=f"{name.title()} {i} " + "t" * 60,
            description="d" * 500,
            owner="payments-team",
            system="payments",
            lifecycle="production",
            type="service",
            score=1.0 - i / 10_000,
            matches=[
                FieldMatch("name", f"{name}-{i}", ("service",)),
                FieldMatch("description", "d" * 300, ("d",)),
                FieldMatch("tag", "t" * 200, ("t",)),
            ],
        )
        for i in range(start, start + count)
    )


def find_answer(total: int, page: int, *, offset: int = 0, query: str = "service") -> FindAnswer:
    return FindAnswer(
        query, hits(min(page, max(0, total - offset)), start=offset), total, offset, page
    )
