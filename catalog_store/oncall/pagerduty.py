"""Who PagerDuty has on call, from its REST API v2.

Entities point at PagerDuty with one of these annotations (the first present wins):

* ``pagerduty.com/escalation-policy-id``: ``GET /oncalls?escalation_policy_ids[]=<id>``;
* ``pagerduty.com/service-id``: ``GET /services/<id>`` for the service's escalation
  policy, then as above;
* ``pagerduty.com/schedule-id``: ``GET /oncalls?schedule_ids[]=<id>``.

``/oncalls`` is asked with ``since`` (the moment asked about), ``until`` (the lookahead
later), ``earliest=true`` (one entry per policy, level and user) and ``include[]=users`` (so
people come with their email). Entries whose span holds the moment are "now"; for each
escalation level, the entries starting soonest after it are "next". Every request carries
``Authorization: Token token=<key>`` and ``Accept: application/vnd.pagerduty+json;version=2``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from catalog_store.oncall.answers import OnCallPerson, OnCallShift
from catalog_store.oncall.provider_http import ProviderError, ProviderHttp
from catalog_store.oncall.provider_result import (
    ProviderResult,
    instant,
    iso,
    list_at,
    mapping_at,
    optional_text,
    unexpected,
)

LABEL = "PagerDuty"
ESCALATION_POLICY_ANNOTATION = "pagerduty.com/escalation-policy-id"
SERVICE_ANNOTATION = "pagerduty.com/service-id"
SCHEDULE_ID_ANNOTATION = "pagerduty.com/schedule-id"
ANNOTATIONS = (ESCALATION_POLICY_ANNOTATION, SERVICE_ANNOTATION, SCHEDULE_ID_ANNOTATION)
ACCEPT = "application/vnd.pagerduty+json;version=2"
_FILTER_NAMES = {"escalation_policy_ids[]": "escalation policy", "schedule_ids[]": "schedule"}
PAGE_SIZE = 100
MAX_PAGES = 5


def pagerduty_headers(token: str) -> dict[str, str]:
    """The headers of every PagerDuty REST API request."""
    return {"Authorization": f"Token token={token}", "Accept": ACCEPT}


def _person(user: Mapping[str, Any]) -> OnCallPerson:
    name = optional_text(user.get("name")) or optional_text(user.get("summary"))
    email = optional_text(user.get("email"))
    provider_id = optional_text(user.get("id"))
    return OnCallPerson(
        name=name or email or provider_id or "unknown user",
        email=email,
        provider_id=provider_id,
    )


def _shift(entry: Any) -> OnCallShift:
    oncall = mapping_at(entry, LABEL, "an on-call")
    user = mapping_at(oncall.get("user"), LABEL, "an on-call's user")
    level = oncall.get("escalation_level")
    if not isinstance(level, int) or isinstance(level, bool):
        raise unexpected(LABEL, "an on-call's escalation_level is not a number")
    schedule = oncall.get("schedule")
    layer = optional_text(schedule.get("summary")) if isinstance(schedule, Mapping) else None
    return OnCallShift(
        person=_person(user),
        start=instant(oncall.get("start"), LABEL, "an on-call's start"),
        end=instant(oncall.get("end"), LABEL, "an on-call's end"),
        level=level,
        layer=layer,
    )


def _sort_key(shift: OnCallShift) -> tuple[int, str, str]:
    return (shift.level or 0, shift.layer or "", shift.person.name)


def split_now_and_next(
    shifts: list[OnCallShift], at: datetime
) -> tuple[list[OnCallShift], list[OnCallShift]]:
    """Sort PagerDuty's on-call entries into "now" and "next" at a moment.

    Args:
        shifts: The entries (a None start or end means unbounded on that side).
        at: The moment.

    Returns:
        ``(now, next)``, each by escalation level; "next" holds, per level, the entries
        that start soonest after ``at``.
    """
    now: list[OnCallShift] = []
    later: dict[int, list[OnCallShift]] = {}
    seen: set[tuple[object, ...]] = set()
    for shift in shifts:
        key = (shift.person.provider_id, shift.person.name, shift.level, shift.start, shift.end)
        if key in seen:
            continue
        seen.add(key)
        started = shift.start is None or shift.start <= at
        if started and (shift.end is None or shift.end > at):
            now.append(shift)
        elif shift.start is not None and shift.start > at:
            later.setdefault(shift.level or 0, []).append(shift)
    upcoming: list[OnCallShift] = []
    for level in sorted(later):
        soonest = min(s.start for s in later[level] if s.start is not None)
        upcoming.extend(s for s in later[level] if s.start == soonest)
    return sorted(now, key=_sort_key), sorted(upcoming, key=_sort_key)


class PagerDutyClient:
    """Reads on-calls from PagerDuty's REST API v2."""

    def __init__(self, http: ProviderHttp, lookahead: timedelta) -> None:
        """Use an HTTP client set up with PagerDuty's headers (:func:`pagerduty_headers`).

        Args:
            http: The client.
            lookahead: How far after the moment asked about to look for the next shifts.
        """
        self.http = http
        self.lookahead = lookahead

    def on_call(self, annotation: str, value: str, at: datetime) -> ProviderResult:
        """Who is on call for what an annotation names.

        Args:
            annotation: One of :data:`ANNOTATIONS`.
            value: The annotation's value (a PagerDuty id).
            at: The moment asked about.

        Returns:
            The people now and next.

        Raises:
            ProviderError: PagerDuty failed or does not know the id.
        """
        handlers: dict[str, Callable[[str, datetime], ProviderResult]] = {
            ESCALATION_POLICY_ANNOTATION: self.for_escalation_policy,
            SERVICE_ANNOTATION: self.for_service,
            SCHEDULE_ID_ANNOTATION: self.for_schedule,
        }
        return handlers[annotation](value, at)

    def for_service(self, service_id: str, at: datetime) -> ProviderResult:
        """Who is on call on a service's escalation policy."""
        try:
            body = self.http.get_json(f"/services/{quote(service_id, safe='')}")
        except ProviderError as exc:
            if exc.status == 404:
                raise ProviderError(
                    f"PagerDuty has no service {service_id!r}", status=404
                ) from None
            raise
        service = mapping_at(mapping_at(body, LABEL, "the answer").get("service"), LABEL, "service")
        policy = mapping_at(service.get("escalation_policy"), LABEL, "the service's policy")
        policy_id = optional_text(policy.get("id"))
        if policy_id is None:
            raise unexpected(LABEL, "the service's escalation policy has no id")
        result = self.for_escalation_policy(policy_id, at)
        name = optional_text(service.get("name")) or optional_text(service.get("summary"))
        return ProviderResult(name or result.schedule_name, result.now, result.next)

    def for_escalation_policy(self, policy_id: str, at: datetime) -> ProviderResult:
        """Who is on call on an escalation policy, level by level."""
        entries = self._oncalls("escalation_policy_ids[]", policy_id, at)
        shifts = [_shift(entry) for entry in entries]
        now, upcoming = split_now_and_next(shifts, at)
        name = next(
            (
                optional_text(entry["escalation_policy"].get("summary"))
                for entry in entries
                if isinstance(entry.get("escalation_policy"), Mapping)
            ),
            None,
        )
        return ProviderResult(name, now, upcoming)

    def for_schedule(self, schedule_id: str, at: datetime) -> ProviderResult:
        """Who a PagerDuty schedule has on call."""
        entries = self._oncalls("schedule_ids[]", schedule_id, at)
        shifts = [_shift(entry) for entry in entries]
        now, upcoming = split_now_and_next(shifts, at)
        name = next((s.layer for s in shifts if s.layer), None)
        return ProviderResult(name, now, upcoming)

    def _oncalls(self, filter_name: str, value: str, at: datetime) -> list[Mapping[str, Any]]:
        entries: list[Mapping[str, Any]] = []
        for page in range(MAX_PAGES):
            params = [
                (filter_name, value),
                ("since", iso(at)),
                ("until", iso(at + self.lookahead)),
                ("earliest", "true"),
                ("include[]", "users"),
                ("limit", str(PAGE_SIZE)),
                ("offset", str(page * PAGE_SIZE)),
            ]
            try:
                body = mapping_at(self.http.get_json("/oncalls", params), LABEL, "the answer")
            except ProviderError as exc:
                if exc.status in (400, 404):
                    what = _FILTER_NAMES[filter_name]
                    raise ProviderError(
                        f"PagerDuty does not accept {what} {value!r} (HTTP {exc.status})",
                        status=exc.status,
                    ) from None
                raise
            found = list_at(body.get("oncalls"), LABEL, "oncalls")
            entries.extend(mapping_at(entry, LABEL, "an on-call") for entry in found)
            if body.get("more") is not True or not found:
                break
        return entries
