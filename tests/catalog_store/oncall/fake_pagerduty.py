"""A fake PagerDuty REST API v2, as strict as the real one about what the client sends.

It checks ``Authorization: Token token=<key>`` and the v2 ``Accept`` header, accepts only
the documented ``/oncalls`` parameters (``since``/``until`` in ISO 8601 at most 90 days
apart, ``earliest``, ``include[]``, ``limit``/``offset``) and answers with the documented
payloads: on-call objects with ``user`` (a full user with ``email`` when ``include[]=users``,
else a ``user_reference``), ``schedule``, ``escalation_policy``, ``escalation_level``,
``start`` and ``end``; errors as ``{"error": {"message", "code"}}``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tests.catalog_store.oncall.loopback import Reply, Request

ACCEPT = "application/vnd.pagerduty+json;version=2"
ONCALL_PARAMS = {
    "schedule_ids[]",
    "escalation_policy_ids[]",
    "user_ids[]",
    "since",
    "until",
    "earliest",
    "include[]",
    "limit",
    "offset",
    "time_zone",
    "total",
}
INCLUDES = {"escalation_policies", "users", "schedules"}


@dataclass(frozen=True)
class User:
    id: str
    name: str
    email: str


@dataclass(frozen=True)
class OnCall:
    """One computed on-call: None start/end for a user on call permanently."""

    user: User
    policy: tuple[str, str]
    level: int
    schedule: tuple[str, str] | None
    start: datetime | None
    end: datetime | None


def error(
    status: int,
    message: str,
    code: int,
    errors: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """PagerDuty's error payload."""
    body: dict[str, Any] = {"error": {"message": message, "code": code}}
    if errors:
        body["error"]["errors"] = errors
    return Reply(status, body, headers=headers or {})


def _reference(kind: str, ident: str, summary: str) -> dict[str, Any]:
    return {
        "id": ident,
        "type": f"{kind}_reference",
        "summary": summary,
        "self": f"https://api.pagerduty.com/{kind}s/{ident}",
        "html_url": f"https://acme.pagerduty.com/{kind}s/{ident}",
    }


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


class FakePagerDuty:
    """The API's state (services, on-calls) and scripted failures."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.services: dict[str, tuple[str, str, str]] = {}
        """service id -> (name, escalation policy id, policy name)."""
        self.oncalls: list[OnCall] = []
        self.script: deque[Reply] = deque()
        """Replies to give, in order, before serving normally (failures to inject)."""

    def __call__(self, request: Request) -> Reply:
        if self.script:
            return self.script.popleft()
        if request.headers.get("authorization") != f"Token token={self.token}":
            return error(401, "Authentication failed", 2006)
        if request.headers.get("accept") != ACCEPT:
            return error(406, "Not Acceptable", 2001, ["Accept must request API version 2"])
        if request.method != "GET":
            return error(405, "Method Not Allowed", 2001)
        if request.path == "/oncalls":
            return self._oncalls(request)
        if request.path.startswith("/services/"):
            return self._service(request.path.removeprefix("/services/"))
        return error(404, "Not Found", 2100)

    def _service(self, service_id: str) -> Reply:
        if service_id not in self.services:
            return error(404, "Not Found", 2100)
        name, policy_id, policy_name = self.services[service_id]
        return Reply(
            200,
            {
                "service": {
                    **_reference("service", service_id, name),
                    "type": "service",
                    "name": name,
                    "status": "active",
                    "escalation_policy": _reference("escalation_policy", policy_id, policy_name),
                }
            },
        )

    def _oncalls(self, request: Request) -> Reply:
        unknown = sorted({name for name, _ in request.query} - ONCALL_PARAMS)
        if unknown:
            return error(400, "Invalid Input Provided", 2001, [f"unknown parameter {unknown[0]}"])
        includes = request.params("include[]")
        if not set(includes) <= INCLUDES:
            return error(400, "Invalid Input Provided", 2001, ["include[] is not valid"])
        if request.param("earliest") not in (None, "true", "false"):
            return error(400, "Invalid Input Provided", 2001, ["earliest must be a boolean"])
        try:
            since = datetime.fromisoformat(request.param("since") or "")
            until = datetime.fromisoformat(request.param("until") or "")
        except ValueError:
            return error(400, "Invalid 'since' or 'until' Parameter Values", 2004)
        if since.tzinfo is None or until.tzinfo is None or until < since:
            return error(400, "Invalid 'since' or 'until' Parameter Values", 2004)
        if until - since > timedelta(days=90):
            return error(400, "Invalid Query Date Range", 2005)
        limit = int(request.param("limit") or 25)
        offset = int(request.param("offset") or 0)
        policies = set(request.params("escalation_policy_ids[]"))
        schedules = set(request.params("schedule_ids[]"))
        found = [
            o
            for o in self.oncalls
            if (o.start is None or o.start < until)
            and (o.end is None or o.end > since)
            and (not policies or o.policy[0] in policies)
            and (not schedules or (o.schedule is not None and o.schedule[0] in schedules))
        ]
        found.sort(key=lambda o: (o.level, o.start or since))
        if request.param("earliest") == "true":
            seen: set[tuple[str, int, str]] = set()
            earliest = []
            for o in found:
                key = (o.policy[0], o.level, o.user.id)
                if key not in seen:
                    seen.add(key)
                    earliest.append(o)
            found = earliest
        page = found[offset : offset + limit]
        return Reply(
            200,
            {
                "oncalls": [self._oncall(o, "users" in includes) for o in page],
                "limit": limit,
                "offset": offset,
                "more": offset + limit < len(found),
                "total": None,
            },
        )

    @staticmethod
    def _oncall(o: OnCall, with_user: bool) -> dict[str, Any]:
        user = _reference("user", o.user.id, o.user.name)
        if with_user:
            user = {**user, "type": "user", "name": o.user.name, "email": o.user.email}
        return {
            "user": user,
            "schedule": None if o.schedule is None else _reference("schedule", *o.schedule),
            "escalation_policy": _reference("escalation_policy", *o.policy),
            "escalation_level": o.level,
            "start": _time(o.start),
            "end": _time(o.end),
        }
