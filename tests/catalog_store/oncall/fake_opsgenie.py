"""A fake Opsgenie API (schedules and Who Is On Call), strict about what the client sends.

It checks ``Authorization: GenieKey <key>``, accepts only the documented parameters
(``scheduleIdentifierType`` id|name, ``flat`` true|false, ``date`` as
``yyyy-MM-dd'T'HH:mm:ssZ``; ``expand=rotation`` on the schedule list) and answers with the
documented payloads (``data._parent``, ``onCallParticipants``/``onCallRecipients``,
``nextOnCallRecipients``/``exactNextOnCallRecipients`` and their flat variants); errors as
``{"message", "took", "requestId"}``.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from tests.catalog_store.oncall.loopback import Reply, Request

DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})")


def error(status: int, message: str) -> Reply:
    """Opsgenie's error payload."""
    return Reply(status, {"message": message, "took": 0.001, "requestId": "req-fake-0001"})


def user(name: str, ident: str) -> dict[str, Any]:
    """A user participant (Opsgenie names users by username, their email)."""
    return {"id": ident, "name": name, "type": "user"}


@dataclass
class Schedule:
    """A schedule and its shifts: ``(start, end, participants)``, sorted."""

    id: str
    name: str
    team: str | None
    enabled: bool = True
    shifts: list[tuple[datetime, datetime, list[dict[str, Any]]]] = field(default_factory=list)


def _names(participants: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for p in participants:
        if p["type"] == "user":
            names.append(p["name"])
        names.extend(_names(p.get("onCallParticipants", [])))
    return names


class FakeOpsgenie:
    """The API's state (schedules with shifts) and scripted failures."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.schedules: list[Schedule] = []
        self.script: deque[Reply] = deque()
        """Replies to give, in order, before serving normally (failures to inject)."""

    def __call__(self, request: Request) -> Reply:
        if self.script:
            return self.script.popleft()
        if request.headers.get("authorization") != f"GenieKey {self.key}":
            return error(401, "Could not authenticate")
        if request.method != "GET":
            return error(405, "Method not allowed")
        if request.path == "/v2/schedules":
            return self._list(request)
        match = re.fullmatch(r"/v2/schedules/([^/]+)/(on-calls|next-on-calls)", request.path)
        if match is None:
            return error(404, "Resource not found")
        return self._who(request, unquote(match.group(1)), match.group(2) == "next-on-calls")

    def _list(self, request: Request) -> Reply:
        if not {name for name, _ in request.query} <= {"expand"}:
            return error(422, "Invalid parameter")
        if request.param("expand") not in (None, "rotation"):
            return error(422, "Invalid expand value")
        data: list[dict[str, Any]] = [
            {
                "id": s.id,
                "name": s.name,
                "description": "",
                "timezone": "Europe/Berlin",
                "enabled": s.enabled,
                "ownerTeam": None if s.team is None else {"id": f"team-{s.team}", "name": s.team},
                "rotations": [],
            }
            for s in self.schedules
        ]
        return Reply(
            200, {"data": data, "expandable": ["rotation"], "took": 0.01, "requestId": "r"}
        )

    def _who(self, request: Request, identifier: str, upcoming: bool) -> Reply:
        if not {name for name, _ in request.query} <= {"scheduleIdentifierType", "flat", "date"}:
            return error(422, "Invalid parameter")
        id_type = request.param("scheduleIdentifierType") or "id"
        flat = request.param("flat") or "false"
        date = request.param("date")
        if id_type not in ("id", "name") or flat not in ("true", "false"):
            return error(422, "Invalid parameter value")
        if date is not None and DATE.fullmatch(date) is None:
            return error(422, "Date should be in yyyy-MM-dd'T'HH:mm:ssZ format")
        at = datetime.fromisoformat(date) if date else datetime.now().astimezone()
        schedule = next(
            (s for s in self.schedules if (s.id if id_type == "id" else s.name) == identifier),
            None,
        )
        if schedule is None:
            return error(404, f"No schedule exists with {id_type} [{identifier}]")
        index = next((i for i, (s, e, _) in enumerate(schedule.shifts) if s <= at < e), None)
        data: dict[str, Any]
        parent = {"id": schedule.id, "name": schedule.name, "enabled": schedule.enabled}
        if not upcoming:
            people = [] if index is None else schedule.shifts[index][2]
            if flat == "true":
                data = {"_parent": parent, "onCallRecipients": _names(people)}
            else:
                data = {"_parent": parent, "onCallParticipants": people}
        else:
            later = [shift for shift in schedule.shifts if shift[0] > at]
            people = later[0][2] if later else []
            if flat == "true":
                data = {
                    "_parent": parent,
                    "nextOnCallParticipants": _names(people),
                    "exactNextOnCallParticipants": _names(people),
                }
            else:
                data = {
                    "_parent": parent,
                    "nextOnCallRecipients": people,
                    "exactNextOnCallRecipients": people,
                }
        return Reply(200, {"data": data, "took": 0.02, "requestId": "req-fake-0002"})
