"""HCP Terraform notifications: the real captured payloads, signed here as HCP Terraform does."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.workflows.webhooks.signing import NOW, SECRETS, deliver, encode, tfc_headers
from workflows.runs.events import RunKind, RunLink, RunStatus
from workflows.webhooks import WebhookError, parse_webhook
from workflows.webhooks.terraform_cloud import RUN_STATUSES, run_status


def fixture(shared_fixtures: Path, trigger: str) -> tuple[bytes, dict[str, Any]]:
    """The raw bytes and parsed payload of the captured notification for ``trigger``."""
    folder = shared_fixtures / "terraform" / "tfc-notifications"
    (path,) = folder.glob(f"*.{trigger}.json")
    raw = path.read_bytes()
    return raw, json.loads(raw)


def parse_raw(raw: bytes) -> Any:
    return parse_webhook("terraform-cloud", tfc_headers(raw), raw, SECRETS, now=NOW)


def test_the_verification_request_is_a_ping(shared_fixtures: Path) -> None:
    raw, _ = fixture(shared_fixtures, "verification")
    delivery = parse_raw(raw)
    assert delivery.ping
    assert delivery.events == ()
    assert delivery.source == "terraform-cloud"


@pytest.mark.parametrize(
    ("trigger", "status", "raw_status", "occurred_at"),
    [
        ("run_created", RunStatus.QUEUED, "pending", datetime(2022, 1, 23, 21, 22, tzinfo=UTC)),
        (
            "run_planning",
            RunStatus.PLANNING,
            "planning",
            datetime(2022, 1, 23, 21, 22, 2, tzinfo=UTC),
        ),
        (
            "run_completed",
            RunStatus.SUCCEEDED,
            "planned_and_finished",
            datetime(2022, 1, 23, 21, 22, 23, tzinfo=UTC),
        ),
        ("run_errored", RunStatus.FAILED, "errored", datetime(2022, 1, 23, 23, 0, 10, tzinfo=UTC)),
    ],
)
def test_real_run_notifications_become_run_events(
    shared_fixtures: Path,
    trigger: str,
    status: RunStatus,
    raw_status: str,
    occurred_at: datetime,
) -> None:
    raw, payload = fixture(shared_fixtures, trigger)
    delivery = parse_raw(raw)
    assert not delivery.ping and delivery.ignored is None
    (event,) = delivery.events
    assert event.source == "terraform-cloud"
    assert event.run_id == payload["run_id"]
    assert event.kind is RunKind.TERRAFORM
    assert event.status is status
    assert event.raw_status == raw_status
    assert event.occurred_at == occurred_at
    assert event.component == event.environment == event.title == "service-tfbuddy-dev"
    assert event.commit_message == payload["run_message"].strip()
    assert event.links == (RunLink("Run", payload["run_url"]),)


def test_the_actor_is_who_created_the_run(shared_fixtures: Path) -> None:
    raw, _ = fixture(shared_fixtures, "run_errored")
    (event,) = parse_raw(raw).events
    assert event.actor == "Matt Morrison"
    raw, _ = fixture(shared_fixtures, "run_created")
    (event,) = parse_raw(raw).events
    assert event.actor == "matt_morrison"


def test_events_of_one_run_share_the_run_and_differ_in_event_id(shared_fixtures: Path) -> None:
    events = [
        parse_raw(fixture(shared_fixtures, trigger)[0]).events[0]
        for trigger in ("run_created", "run_planning", "run_completed")
    ]
    assert {event.run_key for event in events} == {"terraform-cloud:run-Vy7sSoyhizTafW8f"}
    assert len({event.event_id for event in events}) == 3


def test_a_redelivered_notification_has_the_same_event_id(shared_fixtures: Path) -> None:
    raw, payload = fixture(shared_fixtures, "run_planning")
    first = parse_raw(raw).events
    # Re-serialised differently (another notification configuration, other whitespace).
    payload["notification_configuration_id"] = "nc-another"
    again = parse_raw(json.dumps(payload, indent=4).encode()).events
    assert first == again


def test_a_body_changed_after_signing_is_refused(shared_fixtures: Path) -> None:
    raw, _ = fixture(shared_fixtures, "run_errored")
    headers = tfc_headers(raw)
    tampered = raw.replace(b"errored", b"applied")
    with pytest.raises(WebhookError) as refused:
        parse_webhook("terraform-cloud", headers, tampered, SECRETS, now=NOW)
    assert refused.value.status == 401


def test_a_signature_made_with_another_token_is_refused(shared_fixtures: Path) -> None:
    raw, _ = fixture(shared_fixtures, "run_errored")
    with pytest.raises(WebhookError) as refused:
        parse_webhook("terraform-cloud", tfc_headers(raw, secret="other"), raw, SECRETS, now=NOW)
    assert refused.value.status == 401
    assert "other" not in refused.value.message


@pytest.mark.parametrize(
    ("trigger", "raw_status", "expected"),
    [
        ("run:created", "pending", RunStatus.QUEUED),
        ("run:planning", "planning", RunStatus.PLANNING),
        ("run:needs_attention", "planned", RunStatus.PLANNED),
        ("run:needs_attention", "policy_override", RunStatus.PLANNED),
        ("run:needs_attention", "post_plan_awaiting_decision", RunStatus.PLANNED),
        ("run:needs_attention", "cost_estimated", RunStatus.PLANNED),
        ("run:applying", "applying", RunStatus.APPLYING),
        ("run:applying", "apply_queued", RunStatus.APPLYING),
        ("run:completed", "applied", RunStatus.SUCCEEDED),
        ("run:completed", "planned_and_finished", RunStatus.SUCCEEDED),
        ("run:completed", "planned_and_saved", RunStatus.SUCCEEDED),
        ("run:errored", "errored", RunStatus.FAILED),
        ("run:errored", "canceled", RunStatus.CANCELLED),
        ("run:errored", "force_canceled", RunStatus.CANCELLED),
        ("run:errored", "discarded", RunStatus.CANCELLED),
        ("run:errored", "policy_soft_failed", RunStatus.FAILED),
        # A trigger Callboard does not know: the run status decides.
        ("run:something_new", "applying", RunStatus.APPLYING),
        ("run:something_new", "a_status_from_the_future", RunStatus.UNKNOWN),
        ("run:something_new", None, RunStatus.UNKNOWN),
    ],
)
def test_trigger_and_run_status_decide_the_status(
    trigger: str, raw_status: str | None, expected: RunStatus
) -> None:
    assert run_status(trigger, raw_status) is expected


def test_every_documented_run_status_is_mapped() -> None:
    documented = {
        "pending", "fetching", "fetching_completed", "pre_plan_running", "pre_plan_completed",
        "queuing", "plan_queued", "planning", "planned", "cost_estimating", "cost_estimated",
        "policy_checking", "policy_override", "policy_soft_failed", "policy_checked",
        "confirmed", "post_plan_running", "post_plan_completed", "post_plan_awaiting_decision",
        "planned_and_finished", "planned_and_saved", "apply_queued", "queuing_apply",
        "pre_apply_running", "pre_apply_completed", "applying", "post_apply_running",
        "post_apply_completed", "applied", "discarded", "errored", "canceled", "force_canceled",
    }  # fmt: skip
    assert documented <= set(RUN_STATUSES)
    assert RunStatus.UNKNOWN not in RUN_STATUSES.values()


def test_an_unknown_status_is_kept_raw(shared_fixtures: Path) -> None:
    _, payload = fixture(shared_fixtures, "run_planning")
    payload["notifications"][0].update(trigger="run:reticulating", run_status="splining")
    (event,) = deliver("terraform-cloud", payload).events
    assert event.status is RunStatus.UNKNOWN
    assert event.raw_status == "splining"


def test_every_notification_of_a_payload_is_an_event(shared_fixtures: Path) -> None:
    _, payload = fixture(shared_fixtures, "run_planning")
    second = dict(payload["notifications"][0], trigger="run:needs_attention")
    second.update(run_status="planned", run_updated_at="2022-01-23T21:22:20.000Z")
    payload["notifications"].append(second)
    events = deliver("terraform-cloud", payload).events
    assert [event.status for event in events] == [RunStatus.PLANNING, RunStatus.PLANNED]
    assert events[0].event_id != events[1].event_id


def test_timestamps_without_a_timezone_are_utc(shared_fixtures: Path) -> None:
    _, payload = fixture(shared_fixtures, "run_planning")
    payload["notifications"][0]["run_updated_at"] = "2022-01-23T21:22:02"
    (event,) = deliver("terraform-cloud", payload).events
    assert event.occurred_at == datetime(2022, 1, 23, 21, 22, 2, tzinfo=UTC)


def test_health_notifications_are_ignored() -> None:
    payload = {
        "payload_version": "2",
        "notification_configuration_id": "nc-SZ3V3cLFxK6sqLKn",
        "notification_configuration_url": "https://app.terraform.io/api/v2/notification-configurations/nc-SZ3V3cLFxK6sqLKn",
        "trigger_scope": "assessment",
        "trigger": "assessment:drifted",
        "message": "Drift Detected",
        "details": {"new_assessment_result": {"drifted": True, "resources_drifted": 4}},
    }
    delivery = deliver("terraform-cloud", payload)
    assert delivery.events == () and not delivery.ping
    assert delivery.ignored is not None and "assessment:drifted" in delivery.ignored


def mutated(payload: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(payload)
    target: Any = changed
    for part in path[:-1]:
        target = target[part]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("payload_version",), 3, "payload_version: unsupported version 3"),
        (("payload_version",), KeyError, "payload_version: required"),
        (("run_id",), None, "run_id: required"),
        (("run_id",), 17.5, "run_id: expected a string"),
        (("notifications",), [], "notifications: must not be empty"),
        (("notifications",), {"trigger": "run:planning"}, "notifications: expected an array"),
        (("notifications", 0), "run:planning", "notifications[0]: expected a JSON object"),
        (("notifications", 0, "trigger"), KeyError, "notifications[0].trigger: required"),
        (("notifications", 0, "run_status"), ["planning"], "notifications[0].run_status"),
        (("notifications", 0, "run_updated_at"), "yesterday", "notifications[0].run_updated_at"),
        (("workspace_name",), {"name": "x"}, "workspace_name: expected a string"),
    ],
)
def test_malformed_payloads_name_the_field(
    shared_fixtures: Path, path: tuple[str | int, ...], value: Any, message: str
) -> None:
    _, payload = fixture(shared_fixtures, "run_planning")
    with pytest.raises(WebhookError) as refused:
        deliver("terraform-cloud", mutated(payload, path, value))
    assert refused.value.status == 400
    assert message in refused.value.message


def test_a_run_without_any_time_is_refused(shared_fixtures: Path) -> None:
    _, payload = fixture(shared_fixtures, "run_planning")
    payload["notifications"][0]["run_updated_at"] = None
    payload["run_created_at"] = None
    with pytest.raises(WebhookError) as refused:
        deliver("terraform-cloud", payload)
    assert refused.value.message == "notifications[0].run_updated_at: required"


def test_the_body_must_be_an_object() -> None:
    body = encode([{"payload_version": 1}])
    with pytest.raises(WebhookError) as refused:
        parse_webhook("terraform-cloud", tfc_headers(body), body, SECRETS, now=NOW)
    assert refused.value.status == 400


def test_notifications_without_a_run_are_ignored(shared_fixtures: Path) -> None:
    _, payload = fixture(shared_fixtures, "verification")
    payload["notifications"][0].update(trigger="workspace:auto_destroy_reminder")
    delivery = deliver("terraform-cloud", payload)
    assert delivery.events == () and not delivery.ping
    assert delivery.ignored == "workspace:auto_destroy_reminder notifications are not about a run"
