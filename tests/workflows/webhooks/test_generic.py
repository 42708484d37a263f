"""The generic format: its schema, its signature and replay window, its documentation."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.workflows.webhooks.signing import NOW, SECRETS, deliver, encode, generic_headers
from workflows.runs.events import PlanCounts, RunKind, RunLink, RunStatus
from workflows.webhooks import InboundDelivery, WebhookError, parse_webhook
from workflows.webhooks.generic_schema import GENERIC_EVENT_SCHEMA

EXAMPLES = Path(__file__).resolve().parents[3] / "examples/notifications"
DOC = (EXAMPLES / "generic.md").read_text()

MINIMAL = {
    "source": "jenkins",
    "run_id": "payments-deploy-412",
    "kind": "deployment",
    "status": "running",
    "occurred_at": "2024-05-01T10:00:00Z",
}


def doc_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.DOTALL)


def documented_example() -> dict[str, Any]:
    (block,) = doc_blocks("json")
    example: dict[str, Any] = json.loads(block)
    return example


def test_the_published_schema_is_the_one_enforced() -> None:
    published = json.loads((EXAMPLES / "generic.schema.json").read_text())
    assert published == GENERIC_EVENT_SCHEMA
    Draft202012Validator.check_schema(published)


def test_the_documented_example_is_valid_and_complete() -> None:
    example = documented_example()
    validator = Draft202012Validator(
        GENERIC_EVENT_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    assert list(validator.iter_errors(example)) == []
    delivery = deliver("generic", example)
    assert delivery.delivery_id == "infra-apply-1882/planned"
    (event,) = delivery.events
    assert event.source == "generic"
    assert event.run_id == "jenkins/infra-apply-1882"
    assert event.kind is RunKind.TERRAFORM
    assert (event.status, event.raw_status) == (RunStatus.PLANNED, "AWAITING_APPROVAL")
    assert event.component == "payment-service"
    assert event.environment == "production"
    assert event.title == "payments-prod (apply)"
    assert event.actor == "alice"
    assert event.commit == example["commit"]
    assert event.commit_message == "Raise the payments queue visibility timeout"
    assert event.links == (RunLink("Build", "https://jenkins.example.com/job/infra-apply/1882/"),)
    assert event.plan == PlanCounts(add=3, change=1, destroy=0)
    assert event.detail == "Plan: 3 to add, 1 to change, 0 to destroy."


def test_every_documented_field_is_in_the_schema_and_back() -> None:
    fields = re.findall(r"^\| `(\w+)` \|", DOC, re.MULTILINE)
    assert set(fields) == set(GENERIC_EVENT_SCHEMA["properties"])
    required = [name for name in fields if f"| `{name}` | yes |" in DOC]
    assert required == GENERIC_EVENT_SCHEMA["required"]


def test_a_minimal_event() -> None:
    (event,) = deliver("generic", MINIMAL).events
    assert event.status is RunStatus.RUNNING and event.raw_status == "running"
    assert event.title is None and event.links == () and event.plan is None


def test_an_unknown_status_is_kept_not_refused() -> None:
    (event,) = deliver("generic", dict(MINIMAL, status="BAKING")).events
    assert (event.status, event.raw_status) == (RunStatus.UNKNOWN, "BAKING")


def test_a_time_without_offset_is_utc() -> None:
    (event,) = deliver("generic", dict(MINIMAL, occurred_at="2024-05-01T12:00:00")).events
    (offset,) = deliver("generic", dict(MINIMAL, occurred_at="2024-05-01T14:00:00+02:00")).events
    assert event.occurred_at == offset.occurred_at
    assert event.occurred_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"source": None}, "source: expected string"),
        ({"run_id": ""}, "run_id: must not be empty"),
        ({"kind": "build"}, "kind: must be one of deployment, terraform, workflow"),
        ({"source": "has spaces"}, "source: has an invalid format"),
        ({"links": [{"label": "Build", "url": "javascript:alert(1)"}]}, "links[0].url: has an"),
        ({"links": [{"label": "Build"}]}, "links[0].url: required"),
        ({"links": [{"label": "x", "url": "https://a"}] * 11}, "links: more than 10 items"),
        ({"plan_counts": {"add": -1}}, "plan_counts.add: out of range"),
        ({"plan_counts": {"add": 1.5}}, "plan_counts.add: expected integer"),
        ({"commmit": "abc"}, "the body: unexpected field 'commmit'"),
        ({"detail": "x" * 10_001}, "detail: longer than 10000 characters"),
        ({"version": 2}, "version: must be 1"),
        ({"occurred_at": "the other day"}, "occurred_at: 'the other day' is not an ISO 8601"),
    ],
)
def test_schema_violations_name_the_field(change: dict[str, Any], message: str) -> None:
    with pytest.raises(WebhookError) as refused:
        deliver("generic", dict(MINIMAL, **change))
    assert refused.value.status == 400
    assert refused.value.message.startswith(message)
    assert len(refused.value.message) < 200


@pytest.mark.parametrize("missing", GENERIC_EVENT_SCHEMA["required"])
def test_required_fields(missing: str) -> None:
    payload = {key: value for key, value in MINIMAL.items() if key != missing}
    with pytest.raises(WebhookError) as refused:
        deliver("generic", payload)
    assert refused.value.message == f"{missing}: required"


def test_the_senders_event_id_identifies_the_event() -> None:
    first = deliver("generic", dict(MINIMAL, event_id="e-1"))
    resent = deliver("generic", dict(MINIMAL, event_id="e-1", detail="retried"))
    other_system = deliver("generic", dict(MINIMAL, event_id="e-1", source="buildkite"))
    assert first.events[0].event_id == resent.events[0].event_id
    assert first.events[0].event_id != other_system.events[0].event_id


def test_without_an_event_id_the_content_identifies_the_event() -> None:
    body = encode(MINIMAL)
    signed_now = parse_webhook("generic", generic_headers(body), body, SECRETS, now=NOW)
    later = NOW + timedelta(minutes=3)
    resigned = parse_webhook("generic", generic_headers(body, later), body, SECRETS, now=later)
    reordered = deliver("generic", dict(reversed(list(MINIMAL.items()))))
    changed = deliver("generic", dict(MINIMAL, status="succeeded"))
    assert signed_now.events == resigned.events == reordered.events
    assert signed_now.events[0].event_id != changed.events[0].event_id


@pytest.mark.parametrize("skew", [timedelta(seconds=-299), timedelta(0), timedelta(seconds=299)])
def test_timestamps_inside_the_window_are_accepted(skew: timedelta) -> None:
    body = encode(MINIMAL)
    headers = generic_headers(body, NOW + skew)
    assert parse_webhook("generic", headers, body, SECRETS, now=NOW).events


@pytest.mark.parametrize(
    "skew", [timedelta(seconds=-301), timedelta(seconds=301), timedelta(days=-1)]
)
def test_timestamps_outside_the_window_are_refused(skew: timedelta) -> None:
    body = encode(MINIMAL)
    headers = generic_headers(body, NOW + skew)
    with pytest.raises(WebhookError) as refused:
        parse_webhook("generic", headers, body, SECRETS, now=NOW)
    assert refused.value.status == 401
    assert "5 minutes" in refused.value.message


def test_the_timestamp_is_signed() -> None:
    body = encode(MINIMAL)
    headers = generic_headers(body)
    headers["X-Callboard-Timestamp"] = str(int(NOW.timestamp()) + 1)
    with pytest.raises(WebhookError) as refused:
        parse_webhook("generic", headers, body, SECRETS, now=NOW)
    assert (refused.value.status, refused.value.message) == (
        401,
        "the X-Callboard-Signature signature does not match",
    )


@pytest.mark.parametrize(
    ("timestamp", "message"),
    [
        (None, "the X-Callboard-Timestamp header is missing"),
        ("2024-05-01T10:05:00Z", "the X-Callboard-Timestamp header must be unix seconds"),
        ("-5", "the X-Callboard-Timestamp header must be unix seconds"),
        ("\u0661\u0662", "the X-Callboard-Timestamp header must be unix seconds"),
    ],
)
def test_the_timestamp_must_be_unix_seconds(timestamp: str | None, message: str) -> None:
    body = encode(MINIMAL)
    headers = generic_headers(body)
    if timestamp is None:
        del headers["X-Callboard-Timestamp"]
    else:
        headers["X-Callboard-Timestamp"] = timestamp
    with pytest.raises(WebhookError) as refused:
        parse_webhook("generic", headers, body, SECRETS, now=NOW)
    assert (refused.value.status, refused.value.message) == (401, message)


class _Receiver(BaseHTTPRequestHandler):
    """Callboard's side of the documented recipes: verify and parse what arrives."""

    received: list[InboundDelivery | WebhookError]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        try:
            result: InboundDelivery | WebhookError = parse_webhook(
                "generic", dict(self.headers.items()), body, SECRETS
            )
            status = 200
        except WebhookError as error:
            result, status = error, error.status
        self.received.append(result)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[InboundDelivery | WebhookError]]]:
    received: list[InboundDelivery | WebhookError] = []
    handler = type("Receiver", (_Receiver,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhooks/generic", received
    finally:
        server.shutdown()
        server.server_close()


def test_the_documented_shell_recipe_signs_correctly(
    receiver: tuple[str, list[InboundDelivery | WebhookError]],
) -> None:
    if not (shutil.which("openssl") and shutil.which("curl")):
        pytest.fail("the shell recipe needs openssl and curl on the PATH")
    url, received = receiver
    (script,) = doc_blocks("sh")
    script = script.replace("https://callboard.example.com/webhooks/generic", url)
    subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env={"PATH": "/usr/bin:/bin", "CALLBOARD_WEBHOOK_SECRET": SECRETS.generic or ""},
        check=True,
        timeout=30,
        capture_output=True,
    )
    (delivery,) = received
    assert isinstance(delivery, InboundDelivery), delivery
    assert delivery.events[0].run_id == "jenkins/payments-deploy-412"


def test_the_documented_python_recipe_signs_correctly(
    receiver: tuple[str, list[InboundDelivery | WebhookError]],
) -> None:
    url, received = receiver
    (script,) = doc_blocks("python")
    script = script.replace("https://callboard.example.com/webhooks/generic", url)
    exec(script, {"event": MINIMAL, "secret": SECRETS.generic})
    (delivery,) = received
    assert isinstance(delivery, InboundDelivery), delivery
    assert delivery.events[0].status is RunStatus.RUNNING


def test_a_naive_now_is_taken_as_utc() -> None:
    body = encode(MINIMAL)
    headers = generic_headers(body)
    naive_now = NOW.replace(tzinfo=None)
    assert parse_webhook("generic", headers, body, SECRETS, now=naive_now).events
