"""Validation of ``Schedule`` specs, on their own and through real ingestion (file and line)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from catalog_store.ingest.config import IngestConfig, LocationSpec
from catalog_store.ingest.service import CatalogService
from catalog_store.model import validate_entity, validation_schedule
from catalog_store.oncall import SCHEDULE_API_VERSION, schedule_spec_errors
from tests.catalog_store.ingest.conftest import entities, stored_errors
from tests.catalog_store.oncall.conftest import layer, schedule
from tests.conftest import CatalogDb

RULES = ({"allow": ["Group", "User", "Schedule"]},)


def errors_of(spec: Any) -> list[str]:
    return [str(error) for error in schedule_spec_errors(spec)]


def test_a_valid_schedule_has_no_errors() -> None:
    spec = schedule(
        layer("base", rotation="weekly", handoffDay="Mon"),
        layer(
            "hours", rotation={"hours": 8}, restrictions=[{"from": "fri 18:00", "to": "mon 09:00"}]
        ),
        overrides=[
            {"user": "alice", "start": "2024-01-01T09:00", "end": "2024-01-02T09:00"},
            {"user": "bob", "start": "2024-01-02T09:00", "end": "2024-01-03T09:00"},
        ],
    )
    assert errors_of(spec) == []


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param(
            schedule(layer(), time_zone="Europe/Berlín"),
            "spec.timeZone: unknown time zone 'Europe/Berlín' (use an IANA name such as "
            "Europe/Berlin)",
            id="unknown-time-zone",
        ),
        pytest.param(
            schedule(layer(), time_zone="../../etc/passwd"),
            "spec.timeZone: unknown time zone '../../etc/passwd' (use an IANA name such as "
            "Europe/Berlin)",
            id="time-zone-path",
        ),
        pytest.param(
            schedule(layer(handoff="9am")),
            "spec.layers[0].handoff: must be a time of day as HH:MM (got '9am')",
            id="bad-handoff",
        ),
        pytest.param(
            schedule(layer(handoff="24:00")),
            "spec.layers[0].handoff: must be a time of day as HH:MM (got '24:00')",
            id="handoff-out-of-range",
        ),
        pytest.param(
            schedule(layer(members=())),
            "spec.layers[0].members: must list at least one user",
            id="empty-members",
        ),
        pytest.param(
            schedule(layer(members=("group:team-a",))),
            "spec.layers[0].members[0]: must refer to a user (got 'group:team-a')",
            id="member-not-a-user",
        ),
        pytest.param(
            schedule(layer(rotation="monthly")),
            "spec.layers[0].rotation: must be daily, weekly or {hours: N}",
            id="bad-rotation",
        ),
        pytest.param(
            schedule(layer(rotation={"hours": 0})),
            "spec.layers[0].rotation.hours: must be a whole number of hours from 1 to 8784",
            id="zero-hours",
        ),
        pytest.param(
            schedule(layer(rotation="weekly")),
            "spec.layers[0].handoffDay: required for weekly rotations (e.g. monday)",
            id="weekly-without-day",
        ),
        pytest.param(
            schedule(layer(rotation="daily", handoffDay="monday")),
            "spec.layers[0].handoffDay: only applies to weekly rotations",
            id="day-on-daily",
        ),
        pytest.param(
            schedule(layer(start="2024-02-30")),
            "spec.layers[0].start: must be a date as YYYY-MM-DD (got '2024-02-30')",
            id="bad-start",
        ),
        pytest.param(
            schedule(layer(), layer()),
            "spec.layers[1].name: repeats the name of spec.layers[0]",
            id="repeated-layer-name",
        ),
        pytest.param(
            schedule(layer(handof="09:00")),
            "spec.layers[0].handof: is not an allowed field",
            id="misspelt-field",
        ),
        pytest.param(
            schedule(layer(restrictions=[{"from": "09:00", "to": "mon 17:00"}])),
            "spec.layers[0].restrictions[0]: give a day on both from and to (a weekly window), "
            "or on neither",
            id="half-weekly-window",
        ),
        pytest.param(
            schedule(layer(restrictions=[{"days": ["someday"], "from": "09:00", "to": "17:00"}])),
            "spec.layers[0].restrictions[0].days[0]: must be a day of the week such as monday "
            "(got 'someday')",
            id="bad-day",
        ),
        pytest.param(
            schedule(layer(restrictions=[{"from": "09:00", "to": "09:00"}])),
            "spec.layers[0].restrictions[0].to: must differ from from (use 00:00 to 24:00 for a "
            "whole day)",
            id="empty-window",
        ),
        pytest.param(
            schedule(
                layer(),
                overrides=[
                    {"user": "alice", "start": "2024-01-01T09:00", "end": "2024-01-03T09:00"},
                    {"user": "bob", "start": "2024-01-05T09:00", "end": "2024-01-06T09:00"},
                    {"user": "carol", "start": "2024-01-02T09:00", "end": "2024-01-02T10:00"},
                ],
            ),
            "spec.overrides[2]: overlaps spec.overrides[0] (2024-01-02 08:00 UTC to "
            "2024-01-02 09:00 UTC)",
            id="overlapping-overrides",
        ),
        pytest.param(
            schedule(
                layer(),
                overrides=[
                    {
                        "user": "alice",
                        "start": "2024-01-01T10:00:00+01:00",
                        "end": "2024-01-01T12:00",
                    },
                    {"user": "bob", "start": "2024-01-01T10:30:00Z", "end": "2024-01-01T11:00Z"},
                ],
            ),
            "spec.overrides[1]: overlaps spec.overrides[0] (2024-01-01 10:30 UTC to "
            "2024-01-01 11:00 UTC)",
            id="overlap-across-offsets",
        ),
        pytest.param(
            schedule(
                layer(), overrides=[{"user": "a", "start": "2024-01-02T00:00", "end": "2024-01-01"}]
            ),
            "spec.overrides[0].end: must be after start",
            id="override-backwards",
        ),
        pytest.param(
            schedule(layer(), overrides=[{"user": "a", "start": "soon", "end": "2024-01-01"}]),
            "spec.overrides[0].start: must be a date and time such as 2024-03-10T09:00 "
            "(got 'soon')",
            id="override-bad-time",
        ),
        pytest.param(
            schedule(
                layer(
                    "office",
                    restrictions=[
                        {
                            "days": ["mon", "tue", "wed", "thu", "fri"],
                            "from": "08:00",
                            "to": "20:00",
                        }
                    ],
                ),
                layer(
                    "nights",
                    restrictions=[
                        {"days": ["mon", "tue", "wed", "thu"], "from": "20:00", "to": "08:00"}
                    ],
                ),
            ),
            "spec.layers: leave times of the week with nobody on call: Monday 00:00 to Monday "
            "08:00, Friday 20:00 to Monday 00:00 (add a layer or widen the restrictions)",
            id="gaps",
        ),
        pytest.param(
            {"timeZone": "UTC", "layers": []},
            "spec.owner: required",
            id="no-owner",
        ),
    ],
)
def test_errors_name_the_field(spec: Any, expected: str) -> None:
    assert expected in errors_of(spec)


def test_gaps_are_not_reported_when_a_layer_covers_all_times() -> None:
    spec = schedule(layer("all"), layer("days", restrictions=[{"from": "09:00", "to": "17:00"}]))
    assert errors_of(spec) == []


def test_validation_runs_through_the_catalog_model() -> None:
    entity = {
        "apiVersion": SCHEDULE_API_VERSION,
        "kind": "Schedule",
        "metadata": {"name": "primary"},
        "spec": schedule(layer(handoff="25:00")),
    }
    assert [str(e) for e in validate_entity(entity)] == [
        "spec.layers[0].handoff: must be a time of day as HH:MM (got '25:00')"
    ]
    assert [str(e) for e in validate_entity({**entity, "spec": None})] == [
        "spec: must be an object (got null)"
    ]
    # Another apiVersion is not our kind: only the envelope is checked.
    assert validate_entity({**entity, "apiVersion": "example.com/v1"}) == []
    assert validation_schedule.SCHEDULE_API_VERSION == SCHEDULE_API_VERSION


SCHEDULES = """\
apiVersion: callboard.dev/v1alpha1
kind: Schedule
metadata:
  name: good
spec:
  owner: team-a
  timeZone: Europe/Berlin
  layers:
    - name: primary
      members: [alice, bob]
      rotation: weekly
      handoff: "09:00"
      handoffDay: monday
      start: 2024-01-01
---
apiVersion: callboard.dev/v1alpha1
kind: Schedule
metadata:
  name: broken
spec:
  owner: team-a
  timeZone: Europe/Berlín
  layers:
    - name: primary
      members: []
      rotation: daily
      handoff: 9:00am
      start: 2024-01-01
      restrictions:
        - days: [monday, tuesday, wednesday, thursday, friday]
          from: "09:00"
          to: "17:00"
  overrides:
    - user: alice
      start: 2024-01-01T09:00Z
      end: 2024-01-03T09:00Z
    - user: bob
      start: 2024-01-02T09:00Z
      end: 2024-01-04T09:00Z
---
apiVersion: callboard.dev/v1alpha1
kind: Schedule
metadata:
  name: gappy
spec:
  owner: team-a
  timeZone: America/New_York
  layers:
    - name: office
      members: [alice]
      rotation: daily
      handoff: "09:00"
      start: 2024-01-01
      restrictions:
        - {days: [monday, tuesday, wednesday, thursday, friday], from: "09:00", to: "17:00"}
"""


def test_ingestion_reports_file_line_and_field(catalog_db: CatalogDb, tmp_path: Path) -> None:
    path = tmp_path / "schedules.yaml"
    path.write_text(textwrap.dedent(SCHEDULES))
    config = IngestConfig(
        locations=(LocationSpec("file", str(path)),),
        rules=RULES,
        base_dir=tmp_path,
        reading_hosts=(),
        git_cache_dir=tmp_path / "git-cache",
    )
    CatalogService(catalog_db.sessions, config).refresh_all()

    stored = entities(catalog_db)
    assert "schedule:default/good" in stored
    assert stored["schedule:default/good"]["spec"]["layers"][0]["start"] == "2024-01-01"
    assert "schedule:default/broken" not in stored and "schedule:default/gappy" not in stored
    assert stored_errors(catalog_db) == sorted(
        [
            "schedules.yaml:22: spec.timeZone: unknown time zone 'Europe/Berlín' (use an IANA "
            "name such as Europe/Berlin)",
            "schedules.yaml:25: spec.layers[0].members: must list at least one user",
            "schedules.yaml:27: spec.layers[0].handoff: must be a time of day as HH:MM "
            "(got '9:00am')",
            "schedules.yaml:37: spec.overrides[1]: overlaps spec.overrides[0] "
            "(2024-01-02 09:00 UTC to 2024-01-03 09:00 UTC)",
            "schedules.yaml:48: spec.layers: leave times of the week with nobody on call: "
            "Monday 00:00 to Monday 09:00, Monday 17:00 to Tuesday 09:00, Tuesday 17:00 to "
            "Wednesday 09:00 and 3 more (add a layer or widen the restrictions)",
        ]
    )
