"""On-call: who is on call now and next for a group, or for the owner of any entity.

Groups and other entities choose where the answer comes from with an annotation; the first
entity along ``[entity, owner group, parent groups...]`` carrying one of these decides:

* ``callboard.dev/oncall-schedule: <schedule ref>``: a built-in rotation, an entity of kind
  ``Schedule`` (``apiVersion: callboard.dev/v1alpha1``) in the catalog, with layers,
  restrictions and overrides (see :mod:`catalog_store.oncall.schedule_spec`); the ref is
  ``[schedule:][namespace/]name``, in the annotated entity's namespace by default;
* ``pagerduty.com/escalation-policy-id``, ``pagerduty.com/service-id`` or
  ``pagerduty.com/schedule-id``: PagerDuty's REST API v2 (:mod:`catalog_store.oncall.pagerduty`);
* ``opsgenie.com/schedule`` (a schedule id or name) or ``opsgenie.com/team`` (the team's
  schedules): Opsgenie (:mod:`catalog_store.oncall.opsgenie`).

Use :class:`OnCallService`::

    service = OnCallService(OnCallConfig(pagerduty_token=...), lookup_entity_by_ref)
    answer = service.who_is_on_call([component, owner_group, *parent_groups])
    if answer.fallback:
        ...  # render answer.problem and answer.contacts

:func:`compute_schedule` works out a built-in schedule on its own.
"""

from catalog_store.oncall.answers import OnCallAnswer, OnCallContact, OnCallPerson, OnCallShift
from catalog_store.oncall.chain import SCHEDULE_ANNOTATION
from catalog_store.oncall.config import OnCallConfig
from catalog_store.oncall.schedule_spec import (
    SCHEDULE_API_VERSION,
    SCHEDULE_KIND,
    InvalidScheduleError,
    ScheduleSpec,
    parse_schedule_spec,
    schedule_spec_errors,
)
from catalog_store.oncall.schedule_timeline import compute_schedule, schedule_timeline
from catalog_store.oncall.service import EntityLookup, OnCallService

__all__ = [
    "SCHEDULE_ANNOTATION",
    "SCHEDULE_API_VERSION",
    "SCHEDULE_KIND",
    "EntityLookup",
    "InvalidScheduleError",
    "OnCallAnswer",
    "OnCallConfig",
    "OnCallContact",
    "OnCallPerson",
    "OnCallService",
    "OnCallShift",
    "ScheduleSpec",
    "compute_schedule",
    "parse_schedule_spec",
    "schedule_spec_errors",
    "schedule_timeline",
]
