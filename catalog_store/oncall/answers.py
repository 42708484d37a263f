"""What an on-call question is answered with: people, shifts, contacts and problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class OnCallPerson:
    """Someone on call.

    Attributes:
        name: A display name (a catalog user's name, or the provider's name for them).
        email: Their email when known; callers match provider people to catalog users by it.
        user_ref: The lower-case catalog ref (``user:default/alice``) when known.
        provider_id: The provider's id of the person (PagerDuty user id, Opsgenie id).
    """

    name: str
    email: str | None = None
    user_ref: str | None = None
    provider_id: str | None = None


@dataclass(frozen=True, slots=True)
class OnCallShift:
    """One person's stretch on call.

    Attributes:
        person: Who.
        start: When the stretch began or begins (aware, UTC); None when unknown or
            older than the time looked at.
        end: When it ends (aware, UTC); None when unknown or beyond the time looked at.
        level: The escalation level (1 is paged first) where the source has levels.
        layer: The layer or schedule the shift comes from (a schedule layer's name,
            ``"override"``, a PagerDuty or Opsgenie schedule's name).
    """

    person: OnCallPerson
    start: datetime | None = None
    end: datetime | None = None
    level: int | None = None
    layer: str | None = None


@dataclass(frozen=True, slots=True)
class OnCallContact:
    """A way to reach the owning team when nobody can be named.

    Attributes:
        kind: ``"slack_channel"`` (value is a channel id such as ``C0PAYMENTS``) or
            ``"email"``.
        value: The channel id or the address.
        entity_ref: The lower-case ref of the entity the contact comes from.
    """

    kind: str
    value: str
    entity_ref: str


@dataclass(frozen=True, slots=True)
class OnCallAnswer:
    """Who is on call now and next for an entity.

    A caller renders ``problem`` when it is set (it is short, human and holds no secret)
    and, whenever :attr:`fallback` is true, the ``contacts``: "PagerDuty is not answering;
    contact <#C0PAYMENTS> / payments@acme.example".

    Attributes:
        source: ``"schedule"``, ``"pagerduty"``, ``"opsgenie"`` or ``"none"``.
        subject_ref: The lower-case ref of the entity whose annotation chose the source
            (the entity asked about when none did).
        schedule_name: The schedule, escalation policy or service the people come from.
        now: Who is on call at the moment asked about, by level.
        next: Who takes over next, by level.
        problem: Why the answer is incomplete or missing; None when it is authoritative.
        contacts: The owning team's channel and email, from the first entity of the chain
            that has any.
    """

    source: str
    subject_ref: str
    schedule_name: str | None = None
    now: list[OnCallShift] = field(default_factory=list)
    next: list[OnCallShift] = field(default_factory=list)
    problem: str | None = None
    contacts: list[OnCallContact] = field(default_factory=list)

    @property
    def fallback(self) -> bool:
        """Whether the caller should point at ``contacts``: a problem, or nobody on call."""
        return self.problem is not None or not self.now
