"""Who a built-in schedule puts on call: rotations, layers, restrictions, overrides, DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from catalog_store.oncall import (
    InvalidScheduleError,
    OnCallShift,
    compute_schedule,
    parse_schedule_spec,
    schedule_timeline,
)
from tests.catalog_store.oncall.conftest import layer, schedule

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def at(zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware local time: ``at(BERLIN, 2024, 1, 2, 9)``."""
    return datetime(year, month, day, hour, minute, tzinfo=zone)


def who(shifts: list[OnCallShift]) -> list[str]:
    return [shift.person.name for shift in shifts]


def span(shift: OnCallShift, zone: ZoneInfo) -> tuple[str | None, str | None]:
    """A shift's start and end as local ISO times (with their offsets)."""
    return (
        None if shift.start is None else shift.start.astimezone(zone).isoformat(),
        None if shift.end is None else shift.end.astimezone(zone).isoformat(),
    )


def one(shifts: list[OnCallShift]) -> OnCallShift:
    assert len(shifts) == 1, shifts
    return shifts[0]


def handoffs(spec: dict[str, Any], zone: ZoneInfo, start: datetime, end: datetime) -> list[str]:
    """The local start of every shift between two instants."""
    shifts = schedule_timeline(parse_schedule_spec(spec), start, end)
    return [s.start.astimezone(zone).isoformat() for s in shifts if s.start is not None]


# -- rotations ---------------------------------------------------------------------------


def test_daily_rotation_now_and_next() -> None:
    spec = schedule(layer(members=("alice", "bob", "carol"), start="2024-01-01"))

    now, upcoming = compute_schedule(spec, at(BERLIN, 2024, 1, 2, 10))
    assert who(now) == ["bob"] and who(upcoming) == ["carol"]
    assert span(one(now), BERLIN) == ("2024-01-02T09:00:00+01:00", "2024-01-03T09:00:00+01:00")
    assert span(one(upcoming), BERLIN) == ("2024-01-03T09:00:00+01:00", "2024-01-04T09:00:00+01:00")
    assert one(now).person.user_ref == "user:default/bob"
    assert one(now).layer == "primary"

    # The handoff instant belongs to the incoming person; the rotation wraps around.
    assert who(compute_schedule(spec, at(BERLIN, 2024, 1, 3, 9))[0]) == ["carol"]
    assert who(compute_schedule(spec, at(BERLIN, 2024, 1, 4, 8, 59))[0]) == ["carol"]
    assert who(compute_schedule(spec, at(BERLIN, 2024, 1, 4, 9))[0]) == ["alice"]
    assert who(compute_schedule(spec, at(BERLIN, 2024, 1, 31, 12))[0]) == ["alice"]  # 30 turns on


def test_nobody_before_the_first_handoff_then_the_first_member() -> None:
    spec = schedule(layer(members=("alice", "bob"), start="2024-01-01"))
    now, upcoming = compute_schedule(spec, at(BERLIN, 2024, 1, 1, 8, 59))
    assert now == []
    assert who(upcoming) == ["alice"]
    assert span(one(upcoming), BERLIN)[0] == "2024-01-01T09:00:00+01:00"


def test_weekly_rotation_starts_on_the_first_handoff_day() -> None:
    # 2024-01-03 is a Wednesday: the first turn starts on Monday 2024-01-08 at 09:00.
    spec = schedule(
        layer(rotation="weekly", handoffDay="monday", start="2024-01-03", members=("alice", "bob"))
    )
    assert compute_schedule(spec, at(BERLIN, 2024, 1, 5, 12))[0] == []
    now, upcoming = compute_schedule(spec, at(BERLIN, 2024, 1, 10, 12))
    assert who(now) == ["alice"] and who(upcoming) == ["bob"]
    assert span(one(now), BERLIN) == ("2024-01-08T09:00:00+01:00", "2024-01-15T09:00:00+01:00")
    assert who(compute_schedule(spec, at(BERLIN, 2024, 1, 15, 9))[0]) == ["bob"]
    assert who(compute_schedule(spec, at(BERLIN, 2024, 1, 22, 8, 59))[0]) == ["bob"]
    assert who(compute_schedule(spec, at(BERLIN, 2024, 1, 22, 9))[0]) == ["alice"]


def test_hours_rotation() -> None:
    spec = schedule(layer(rotation={"hours": 12}, members=("alice", "bob", "carol")))
    # Turns: 01-01 09:00 alice, 21:00 bob, 01-02 09:00 carol, 21:00 alice, ...
    now, upcoming = compute_schedule(spec, at(BERLIN, 2024, 1, 2, 22))
    assert who(now) == ["alice"] and who(upcoming) == ["bob"]
    assert span(one(now), BERLIN) == ("2024-01-02T21:00:00+01:00", "2024-01-03T09:00:00+01:00")


def test_a_lone_member_has_no_next_and_an_open_ended_shift() -> None:
    spec = schedule(layer(members=("alice",)))
    now, upcoming = compute_schedule(spec, at(BERLIN, 2024, 8, 1, 12))
    assert who(now) == ["alice"] and upcoming == []
    assert (one(now).start, one(now).end) == (None, None)


# -- layers, restrictions, overrides -----------------------------------------------------


def test_a_higher_layer_wins_where_it_has_someone() -> None:
    spec = schedule(
        layer("base", rotation="weekly", handoffDay="monday", members=("alice", "bob")),
        layer(
            "business-hours",
            members=("carol",),
            restrictions=[
                {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00"}
            ],
        ),
    )
    # Wednesday 2024-01-03 at noon: the daytime layer.
    now, upcoming = compute_schedule(spec, at(BERLIN, 2024, 1, 3, 12))
    assert who(now) == ["carol"] and one(now).layer == "business-hours"
    assert span(one(now), BERLIN) == ("2024-01-03T09:00:00+01:00", "2024-01-03T17:00:00+01:00")
    assert who(upcoming) == ["alice"] and one(upcoming).layer == "base"
    assert span(one(upcoming), BERLIN) == ("2024-01-03T17:00:00+01:00", "2024-01-04T09:00:00+01:00")
    # Evening: the base layer, until the daytime layer takes over again.
    now, upcoming = compute_schedule(spec, at(BERLIN, 2024, 1, 3, 18))
    assert who(now) == ["alice"] and who(upcoming) == ["carol"]
    # Saturday: only the base layer; its weekly handoff is on Monday at 09:00.
    now, upcoming = compute_schedule(spec, at(BERLIN, 2024, 1, 6, 12))
    assert who(now) == ["alice"]
    assert span(one(now), BERLIN) == ("2024-01-05T17:00:00+01:00", "2024-01-08T09:00:00+01:00")
    assert who(upcoming) == ["carol"]  # Monday 09:00: daytime layer over bob's first hours


def test_weekly_window_restriction_and_overnight_daily_window() -> None:
    spec = schedule(
        layer("days", members=("alice", "bob")),
        layer("nights", members=("dan",), restrictions=[{"from": "22:00", "to": "06:00"}]),
        layer(
            "weekend",
            members=("erin",),
            restrictions=[{"from": "friday 18:00", "to": "monday 09:00"}],
        ),
    )
    now, upcoming = compute_schedule(spec, at(BERLIN, 2024, 1, 6, 3))  # Saturday night
    assert who(now) == ["erin"]
    assert span(one(now), BERLIN) == ("2024-01-05T18:00:00+01:00", "2024-01-08T09:00:00+01:00")
    assert who(upcoming) == ["bob"]  # Monday 2024-01-08 is turn 7: bob
    now, upcoming = compute_schedule(spec, at(BERLIN, 2024, 1, 3, 3))  # Wednesday 03:00
    assert who(now) == ["dan"]
    assert span(one(now), BERLIN) == ("2024-01-02T22:00:00+01:00", "2024-01-03T06:00:00+01:00")
    assert who(upcoming) == ["bob"]  # Tuesday's turn (bob) runs until Wednesday 09:00


def test_overrides_win_over_every_layer() -> None:
    spec = schedule(
        layer(members=("alice", "bob")),
        overrides=[
            {"user": "dan", "start": "2024-01-02T12:00", "end": "2024-01-02T15:00"},
            {
                "user": "user:default/erin",
                "start": "2024-01-02T20:00:00Z",
                "end": "2024-01-02T21:00:00Z",
            },
        ],
    )
    now, upcoming = compute_schedule(spec, at(BERLIN, 2024, 1, 2, 13))
    assert who(now) == ["dan"] and one(now).layer == "override"
    assert span(one(now), BERLIN) == ("2024-01-02T12:00:00+01:00", "2024-01-02T15:00:00+01:00")
    assert who(upcoming) == ["bob"]
    assert span(one(upcoming), BERLIN) == ("2024-01-02T15:00:00+01:00", "2024-01-02T21:00:00+01:00")
    # An override with an explicit offset is taken as written (21:00 UTC is 22:00 in Berlin).
    now, upcoming = compute_schedule(spec, at(BERLIN, 2024, 1, 2, 21, 30))
    assert who(now) == ["erin"]
    assert span(one(now), BERLIN) == ("2024-01-02T21:00:00+01:00", "2024-01-02T22:00:00+01:00")
    assert who(upcoming) == ["bob"]


def test_a_stretch_of_one_person_runs_across_an_override_of_the_same_person() -> None:
    spec = schedule(
        layer(members=("alice", "bob")),
        overrides=[{"user": "alice", "start": "2024-01-02T09:00", "end": "2024-01-02T12:00"}],
    )
    now, upcoming = compute_schedule(spec, at(BERLIN, 2024, 1, 1, 10))
    assert who(now) == ["alice"] and one(now).layer == "primary"
    assert span(one(now), BERLIN) == ("2024-01-01T09:00:00+01:00", "2024-01-02T12:00:00+01:00")
    assert who(upcoming) == ["bob"]
    assert span(one(upcoming), BERLIN)[0] == "2024-01-02T12:00:00+01:00"
    assert one(upcoming).layer == "primary"


def test_timeline_of_a_week() -> None:
    spec = schedule(
        layer("base", members=("alice", "bob")),
        layer(
            "weekend",
            members=("erin",),
            restrictions=[{"days": ["sat", "sun"], "from": "00:00", "to": "24:00"}],
        ),
    )
    shifts = schedule_timeline(
        parse_schedule_spec(spec), at(BERLIN, 2024, 1, 5, 0), at(BERLIN, 2024, 1, 9, 0)
    )
    assert [(s.person.name, *span(s, BERLIN), s.layer) for s in shifts] == [
        ("bob", None, "2024-01-05T09:00:00+01:00", "base"),
        ("alice", "2024-01-05T09:00:00+01:00", "2024-01-06T00:00:00+01:00", "base"),
        ("erin", "2024-01-06T00:00:00+01:00", "2024-01-08T00:00:00+01:00", "weekend"),
        ("alice", "2024-01-08T00:00:00+01:00", "2024-01-08T09:00:00+01:00", "base"),
        ("bob", "2024-01-08T09:00:00+01:00", None, "base"),
    ]


def test_a_raw_spec_with_errors_is_refused() -> None:
    with pytest.raises(InvalidScheduleError) as caught:
        compute_schedule(schedule(layer(handoff="9am")), datetime(2024, 1, 1, tzinfo=UTC))
    assert [str(e) for e in caught.value.errors] == [
        "spec.layers[0].handoff: must be a time of day as HH:MM (got '9am')"
    ]


def test_a_naive_moment_is_utc() -> None:
    spec = schedule(layer(members=("alice", "bob")), time_zone="UTC")
    assert who(compute_schedule(spec, datetime(2024, 1, 1, 8, 59))[0]) == []
    assert who(compute_schedule(spec, datetime(2024, 1, 1, 9, 0))[0]) == ["alice"]


# -- daylight-saving changes -------------------------------------------------------------

DST_CASES = [
    # zone, a morning just before the change's 09:00 handoff, the hours of that turn
    pytest.param(BERLIN, (2024, 3, 31), 23, id="berlin-spring-forward"),
    pytest.param(BERLIN, (2024, 10, 27), 25, id="berlin-fall-back"),
    pytest.param(NEW_YORK, (2024, 3, 10), 23, id="new-york-spring-forward"),
    pytest.param(NEW_YORK, (2024, 11, 3), 25, id="new-york-fall-back"),
]


@pytest.mark.parametrize(("zone", "day", "hours"), DST_CASES)
def test_a_daily_0900_handoff_stays_at_0900_across_a_dst_change(
    zone: ZoneInfo, day: tuple[int, int, int], hours: int
) -> None:
    spec = schedule(layer(members=("alice", "bob")), time_zone=str(zone))
    now, upcoming = compute_schedule(spec, at(zone, *day, 8, 30))
    shift, following = one(now), one(upcoming)
    assert shift.start is not None and shift.end is not None and following.end is not None
    local = [t.astimezone(zone) for t in (shift.start, shift.end, following.end)]
    assert [(t.hour, t.minute) for t in local] == [(9, 0), (9, 0), (9, 0)]
    assert shift.end - shift.start == timedelta(hours=hours)
    assert following.end - shift.end == timedelta(hours=24)
    assert following.person.name != shift.person.name


def test_weekly_handoff_across_spring_forward_in_new_york() -> None:
    spec = schedule(
        layer(rotation="weekly", handoffDay="sunday", members=("alice", "bob"), handoff="09:00"),
        time_zone="America/New_York",
    )
    now, _ = compute_schedule(spec, at(NEW_YORK, 2024, 3, 9, 12))
    assert span(one(now), NEW_YORK) == ("2024-03-03T09:00:00-05:00", "2024-03-10T09:00:00-04:00")
    assert one(now).end - one(now).start == timedelta(hours=7 * 24 - 1)  # type: ignore[operator]


def test_hours_rotation_keeps_local_handoffs_across_spring_forward() -> None:
    spec = schedule(
        layer(rotation={"hours": 8}, handoff="00:00", members=("alice", "bob", "carol")),
        time_zone="America/New_York",
    )
    starts = handoffs(spec, NEW_YORK, at(NEW_YORK, 2024, 3, 9, 23), at(NEW_YORK, 2024, 3, 11, 1))
    assert starts == [
        "2024-03-10T00:00:00-05:00",  # 7 real hours: the clocks skip 02:00-03:00
        "2024-03-10T08:00:00-04:00",
        "2024-03-10T16:00:00-04:00",
        "2024-03-11T00:00:00-04:00",
    ]


def test_handoff_inside_the_skipped_hour() -> None:
    # Berlin skips 02:00-03:00 on 2024-03-31: a 02:30 handoff that day happens when the
    # clocks show 03:30 (RFC 5545), and the next day's is back at 02:30.
    spec = schedule(layer(handoff="02:30", members=("alice", "bob")))
    starts = handoffs(spec, BERLIN, at(BERLIN, 2024, 3, 30, 12), at(BERLIN, 2024, 4, 2, 0))
    assert starts == ["2024-03-31T03:30:00+02:00", "2024-04-01T02:30:00+02:00"]
    now, upcoming = compute_schedule(spec, datetime(2024, 3, 31, 1, 29, tzinfo=UTC))
    assert span(one(now), BERLIN) == ("2024-03-30T02:30:00+01:00", "2024-03-31T03:30:00+02:00")
    assert one(upcoming).start == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    # New York skips 02:00-03:00 on 2024-03-10.
    spec = schedule(layer(handoff="02:30", members=("alice", "bob")), time_zone="America/New_York")
    starts = handoffs(spec, NEW_YORK, at(NEW_YORK, 2024, 3, 9, 12), at(NEW_YORK, 2024, 3, 11, 12))
    assert starts == ["2024-03-10T03:30:00-04:00", "2024-03-11T02:30:00-04:00"]


def test_handoff_inside_the_repeated_hour() -> None:
    # Berlin shows 02:00-03:00 twice on 2024-10-27: a 02:30 handoff is the first of them.
    spec = schedule(layer(handoff="02:30", members=("alice", "bob")))
    now, upcoming = compute_schedule(spec, datetime(2024, 10, 27, 0, 45, tzinfo=UTC))
    assert one(now).start == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert span(one(now), BERLIN) == ("2024-10-27T02:30:00+02:00", "2024-10-28T02:30:00+01:00")
    assert one(now).end - one(now).start == timedelta(hours=25)  # type: ignore[operator]
    # The second 02:30 (01:30 UTC) is inside the same turn.
    assert who(compute_schedule(spec, datetime(2024, 10, 27, 1, 30, tzinfo=UTC))[0]) == who(now)
    assert who(upcoming) != who(now)
    # New York shows 01:00-02:00 twice on 2024-11-03.
    spec = schedule(layer(handoff="01:30", members=("alice", "bob")), time_zone="America/New_York")
    now, _ = compute_schedule(spec, datetime(2024, 11, 3, 6, 0, tzinfo=UTC))
    assert one(now).start == datetime(2024, 11, 3, 5, 30, tzinfo=UTC)  # 01:30 EDT
    assert span(one(now), NEW_YORK) == ("2024-11-03T01:30:00-04:00", "2024-11-04T01:30:00-05:00")


def test_hourly_turn_over_the_repeated_hour_lasts_two_hours() -> None:
    spec = schedule(
        layer(rotation={"hours": 1}, handoff="00:00", members=("alice", "bob", "carol"))
    )
    starts = handoffs(spec, BERLIN, at(BERLIN, 2024, 10, 27, 1), at(BERLIN, 2024, 10, 27, 4))
    assert starts == [
        "2024-10-27T02:00:00+02:00",  # runs through both 02:00-03:00 hours
        "2024-10-27T03:00:00+01:00",
    ]


def test_restrictions_follow_local_time_across_dst() -> None:
    spec = schedule(
        layer("base", members=("alice",)),
        layer("days", members=("bob",), restrictions=[{"from": "09:00", "to": "17:00"}]),
    )
    for day in (30, 31):  # before and after Berlin's spring-forward
        now, _ = compute_schedule(spec, at(BERLIN, 2024, 3, day, 12))
        start, end = (t.astimezone(BERLIN) for t in (one(now).start, one(now).end))  # type: ignore[union-attr]
        assert (who(now), start.hour, end.hour) == (["bob"], 9, 17)
