"""Who Opsgenie has on call, from its Who Is On Call API.

Entities point at Opsgenie with one of these annotations (the first present wins):

* ``opsgenie.com/schedule``: a schedule's id (a UUID) or its name;
* ``opsgenie.com/team``: a team's name; its schedules are those ``GET /v2/schedules`` lists
  with that ``ownerTeam`` (as Backstage's Opsgenie plugin finds them), disabled ones left out.

For each schedule, ``GET /v2/schedules/<id>/on-calls`` gives who is on call at ``date`` and
``GET /v2/schedules/<id>/next-on-calls`` who comes next (its ``exactNextOnCallRecipients``),
both with ``scheduleIdentifierType`` and ``flat=false``; teams and escalations among the
participants are opened up to their users. Opsgenie names users by their username, which is
their email. Opsgenie does not say when these shifts start or end, so those stay None.
Every request carries ``Authorization: GenieKey <key>``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from catalog_store.oncall.answers import OnCallPerson, OnCallShift
from catalog_store.oncall.provider_http import ProviderError, ProviderHttp
from catalog_store.oncall.provider_result import (
    ProviderResult,
    iso,
    list_at,
    mapping_at,
    optional_text,
)

LABEL = "Opsgenie"
SCHEDULE_ANNOTATION = "opsgenie.com/schedule"
TEAM_ANNOTATION = "opsgenie.com/team"
ANNOTATIONS = (SCHEDULE_ANNOTATION, TEAM_ANNOTATION)
MAX_NESTING = 5
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def opsgenie_headers(key: str) -> dict[str, str]:
    """The headers of every Opsgenie API request."""
    return {"Authorization": f"GenieKey {key}", "Accept": "application/json"}


def identifier_type(identifier: str) -> str:
    """``"id"`` for a schedule id (a UUID), ``"name"`` for anything else."""
    return "id" if _UUID.fullmatch(identifier) else "name"


def _people(participants: Any, depth: int = 0) -> list[OnCallPerson]:
    """The users among on-call participants, opening teams and escalations up."""
    people: list[OnCallPerson] = []
    for item in list_at(participants, LABEL, "on-call participants"):
        participant = mapping_at(item, LABEL, "an on-call participant")
        name = optional_text(participant.get("name"))
        kind = participant.get("type")
        nested = participant.get("onCallParticipants")
        if kind != "user" and isinstance(nested, list) and nested and depth < MAX_NESTING:
            people.extend(_people(nested, depth + 1))
        elif name is not None:
            label = name if kind == "user" else f"{name} ({kind})"
            people.append(
                OnCallPerson(
                    name=label,
                    email=name if kind == "user" and "@" in name else None,
                    provider_id=optional_text(participant.get("id")),
                )
            )
    unique: dict[tuple[str, str | None], OnCallPerson] = {}
    for person in people:
        unique.setdefault((person.name, person.provider_id), person)
    return list(unique.values())


class OpsgenieClient:
    """Reads on-call participants from Opsgenie."""

    def __init__(self, http: ProviderHttp) -> None:
        """Use an HTTP client set up with Opsgenie's headers (:func:`opsgenie_headers`)."""
        self.http = http

    def on_call(self, annotation: str, value: str, at: datetime) -> ProviderResult:
        """Who is on call for what an annotation names.

        Args:
            annotation: One of :data:`ANNOTATIONS`.
            value: The annotation's value.
            at: The moment asked about.

        Returns:
            The people now and next.

        Raises:
            ProviderError: Opsgenie failed or does not know the schedule or team.
        """
        if annotation == TEAM_ANNOTATION:
            return self.for_team(value, at)
        return self.for_schedule(value, identifier_type(value), at)

    def for_schedule(self, identifier: str, id_type: str, at: datetime) -> ProviderResult:
        """Who one schedule has on call now and next.

        Args:
            identifier: The schedule's id or name.
            id_type: ``"id"`` or ``"name"``.
            at: The moment asked about.
        """
        params = [("scheduleIdentifierType", id_type), ("flat", "false"), ("date", iso(at))]
        path = f"/v2/schedules/{quote(identifier, safe='')}"
        try:
            current = self._data(self.http.get_json(f"{path}/on-calls", params))
            following = self._data(self.http.get_json(f"{path}/next-on-calls", params))
        except ProviderError as exc:
            if exc.status == 404:
                raise ProviderError(
                    f"Opsgenie has no schedule {identifier!r}", status=404
                ) from None
            raise
        parent = current.get("_parent")
        name = optional_text(parent.get("name")) if isinstance(parent, Mapping) else None
        name = name or identifier
        upcoming = following.get("exactNextOnCallRecipients")
        if upcoming is None:
            upcoming = following.get("nextOnCallRecipients", [])
        return ProviderResult(
            name,
            [
                OnCallShift(person, layer=name)
                for person in _people(current.get("onCallParticipants", []))
            ],
            [OnCallShift(person, layer=name) for person in _people(upcoming)],
        )

    def for_team(self, team: str, at: datetime) -> ProviderResult:
        """Who the schedules a team owns have on call now and next."""
        body = mapping_at(self.http.get_json("/v2/schedules"), LABEL, "the answer")
        owned: list[tuple[str, str]] = []
        for item in list_at(body.get("data"), LABEL, "schedules"):
            schedule = mapping_at(item, LABEL, "a schedule")
            owner = schedule.get("ownerTeam")
            owner_name = optional_text(owner.get("name")) if isinstance(owner, Mapping) else None
            schedule_id = optional_text(schedule.get("id"))
            if (
                owner_name is not None
                and owner_name.casefold() == team.casefold()
                and schedule.get("enabled") is not False
                and schedule_id is not None
            ):
                owned.append((schedule_id, optional_text(schedule.get("name")) or schedule_id))
        if not owned:
            raise ProviderError(f"Opsgenie has no enabled schedule owned by team {team!r}")
        results = [self.for_schedule(schedule_id, "id", at) for schedule_id, _ in owned]
        return ProviderResult(
            ", ".join(r.schedule_name or name for r, (_, name) in zip(results, owned, strict=True)),
            [shift for result in results for shift in result.now],
            [shift for result in results for shift in result.next],
        )

    @staticmethod
    def _data(body: Any) -> Mapping[str, Any]:
        return mapping_at(mapping_at(body, LABEL, "the answer").get("data"), LABEL, "data")
