"""Argo CD: the documented argocd-notifications-cm, rendered as Argo CD renders it."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.workflows.webhooks.gotemplate import TemplateError, render
from tests.workflows.webhooks.signing import NOW, SECRETS, bearer_headers, deliver, encode
from workflows.runs.events import RunEvent, RunKind, RunLink, RunStatus
from workflows.webhooks import WebhookError, parse_webhook
from workflows.webhooks.argocd import EVENTS

CONFIG_MAP = (
    Path(__file__).resolve().parents[3] / "examples/notifications/argocd-notifications-cm.yaml"
)
SHA = "4b8e0c2f7a1d9e3b6c5a4f2e1d0c9b8a7f6e5d4c"
CONTEXT = {"argocdUrl": "https://argocd.acme.example", "notificationType": "webhook"}

APPLICATION: dict[str, Any] = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Application",
    "metadata": {
        "name": "payment-service",
        "namespace": "argocd",
        "uid": "0b6e2d0a-3c1b-4a6f-9d7e-2f1c8b5a4e3d",
        "resourceVersion": "1882341",
        "generation": 58,
        "creationTimestamp": "2024-03-28T08:30:00Z",
        "annotations": {
            "notifications.argoproj.io/subscribe.on-sync-running.callboard": "",
            "notifications.argoproj.io/subscribe.on-sync-succeeded.callboard": "",
        },
    },
    "spec": {
        "project": "payments",
        "source": {
            "repoURL": "https://github.com/acme/payment-deploy.git",
            "path": "overlays/production",
            "targetRevision": "main",
        },
        "destination": {"server": "https://kubernetes.default.svc", "namespace": "payments"},
        "syncPolicy": {"automated": {"prune": True, "selfHeal": True}},
    },
    "status": {
        "sync": {
            "status": "Synced",
            "revision": SHA,
            "comparedTo": {
                "source": {"repoURL": "https://github.com/acme/payment-deploy.git"},
                "destination": {"server": "https://kubernetes.default.svc"},
            },
        },
        "health": {"status": "Healthy"},
        "reconciledAt": "2024-05-01T10:04:10Z",
        "sourceType": "Kustomize",
        "operationState": {
            "operation": {
                "sync": {"revision": SHA, "syncStrategy": {"hook": {}}},
                "initiatedBy": {"username": "alice"},
                "retry": {},
            },
            "phase": "Succeeded",
            "message": "successfully synced (all tasks run)",
            "syncResult": {"revision": SHA, "resources": []},
            "startedAt": "2024-05-01T10:03:30Z",
            "finishedAt": "2024-05-01T10:03:58Z",
        },
    },
}


def config_map() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(CONFIG_MAP.read_text())
    return document


def template_body(name: str) -> str:
    template = yaml.safe_load(config_map()["data"][f"template.{name}"])
    webhook = template["webhook"]["callboard"]
    assert webhook["method"] == "POST"
    assert webhook["path"] == "/webhooks/argocd"
    body: str = webhook["body"]
    return body


def app_in(phase: str | None, **status: Any) -> dict[str, Any]:
    app = copy.deepcopy(APPLICATION)
    if phase is None:
        del app["status"]["operationState"]
    else:
        app["status"]["operationState"]["phase"] = phase
        if phase == "Running":
            del app["status"]["operationState"]["finishedAt"]
            app["status"]["operationState"]["message"] = "waiting for healthy state"
            del app["status"]["operationState"]["syncResult"]
    app["status"].update(status)
    return app


def send(event: str, app: dict[str, Any]) -> RunEvent:
    """Render the template for ``event`` over ``app`` and post it as Argo CD would."""
    body = render(
        template_body(f"callboard-{event}"),
        {"app": app, "context": CONTEXT, "serviceType": "webhook", "recipient": ""},
    ).encode()
    headers = {"Authorization": f"Bearer {SECRETS.argocd}", "Content-Type": "application/json"}
    (run_event,) = parse_webhook("argocd", headers, body, SECRETS, now=NOW).events
    return run_event


def test_the_config_map_wires_service_triggers_and_templates() -> None:
    data = config_map()["data"]
    service = yaml.safe_load(data["service.webhook.callboard"])
    assert service["url"].startswith("https://")
    headers = {header["name"]: header["value"] for header in service["headers"]}
    assert headers["Authorization"] == "Bearer $callboard-webhook-token"
    assert headers["Content-Type"] == "application/json"
    for event in EVENTS:
        (trigger,) = yaml.safe_load(data[f"trigger.on-{event}"])
        assert trigger["send"] == [f"callboard-{event}"]
        body = template_body(f"callboard-{event}")
        assert f'"event": "{event}"' in body


def test_a_sync_from_running_to_succeeded_is_one_run() -> None:
    running = send("sync-running", app_in("Running", health={"status": "Progressing"}))
    succeeded = send("sync-succeeded", app_in("Succeeded"))
    assert running.run_key == succeeded.run_key
    assert running.run_id == "argocd/payment-service@2024-05-01T10:03:30+00:00"
    assert (running.status, running.raw_status) == (RunStatus.RUNNING, "Running")
    assert (succeeded.status, succeeded.raw_status) == (RunStatus.SUCCEEDED, "Succeeded")
    assert running.occurred_at == datetime(2024, 5, 1, 10, 3, 30, tzinfo=UTC)
    assert succeeded.occurred_at == datetime(2024, 5, 1, 10, 3, 58, tzinfo=UTC)
    assert running.event_id != succeeded.event_id
    assert succeeded.kind is RunKind.DEPLOYMENT
    assert succeeded.component == succeeded.title == "payment-service"
    assert succeeded.environment == "payments"
    assert succeeded.actor == "alice"
    assert succeeded.commit == SHA
    assert succeeded.detail == "successfully synced (all tasks run)"
    assert succeeded.links == (
        RunLink("Application", "https://argocd.acme.example/applications/payment-service"),
    )


def test_a_failed_sync_keeps_its_message_whatever_it_contains() -> None:
    app = app_in("Failed")
    message = 'one or more objects failed to apply: Deployment "payments" is invalid:\n\tspec\u2026'
    app["status"]["operationState"]["message"] = message
    failed = send("sync-failed", app)
    assert (failed.status, failed.raw_status) == (RunStatus.FAILED, "Failed")
    assert failed.detail == message
    assert send("sync-failed", app_in("Error")).status is RunStatus.FAILED


def test_an_automated_sync_names_no_user() -> None:
    app = app_in("Succeeded")
    app["status"]["operationState"]["operation"]["initiatedBy"] = {"automated": True}
    assert send("sync-succeeded", app).actor == "automated sync"


def test_a_degraded_application_fails_the_sync_it_follows() -> None:
    degraded_app = app_in(
        "Succeeded", health={"status": "Degraded", "message": "Back-off pulling image"}
    )
    degraded = send("health-degraded", degraded_app)
    assert degraded.run_key == send("sync-succeeded", app_in("Succeeded")).run_key
    assert (degraded.status, degraded.raw_status) == (RunStatus.FAILED, "Degraded")
    assert degraded.detail == "Back-off pulling image"
    assert degraded.occurred_at == datetime(2024, 5, 1, 10, 4, 10, tzinfo=UTC)


def test_a_degraded_application_without_an_operation_still_reports() -> None:
    app = app_in(None, health={"status": "Degraded"})
    degraded = send("health-degraded", app)
    assert degraded.run_id == f"argocd/payment-service@{SHA}"
    assert degraded.actor is None
    assert degraded.status is RunStatus.FAILED


def test_templates_render_for_a_bare_application() -> None:
    """Every template renders when the optional parts of the Application are absent.

    Argo CD always serialises ``spec.destination``, ``status.sync`` and ``status.health``
    (structs, not pointers); everything else may be missing.
    """
    app = {
        "metadata": {"name": "bare", "namespace": "argocd"},
        "spec": {"destination": {}},
        "status": {"sync": {}, "health": {}},
    }
    for event in EVENTS:
        body = render(template_body(f"callboard-{event}"), {"app": app, "context": {}})
        assert json.loads(body)["operation"] is None


def test_the_renderer_fails_like_go_on_nil() -> None:
    with pytest.raises(TemplateError):
        render("{{ .app.status.operationState.phase | toJson }}", {"app": {"status": {}}})


def test_the_same_notification_has_the_same_event_id() -> None:
    app = app_in("Succeeded")
    assert send("sync-succeeded", app) == send("sync-succeeded", copy.deepcopy(app))


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Basic {SECRETS.argocd}", f"Bearer {SECRETS.argocd}x", "Bearer"],
)
def test_the_bearer_token_must_match(authorization: str | None) -> None:
    body = encode({"version": 1})
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    with pytest.raises(WebhookError) as refused:
        parse_webhook("argocd", headers, body, SECRETS, now=NOW)
    assert refused.value.status == 401
    assert SECRETS.argocd is not None
    assert SECRETS.argocd not in refused.value.message


def test_the_bearer_scheme_is_case_insensitive() -> None:
    body = render(
        template_body("callboard-sync-running"), {"app": app_in("Running"), "context": CONTEXT}
    )
    headers = {"authorization": f"bearer {SECRETS.argocd}"}
    assert parse_webhook("argocd", headers, body.encode(), SECRETS, now=NOW).events


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": None}, "version: required"),
        ({"version": 2}, "version: unsupported version 2"),
        ({"app_name": None}, "app_name: required"),
        ({"event": 7}, "event: expected a string, got a number"),
        ({"operation": "Running"}, "operation: expected a JSON object, got a string"),
        ({"operation": {"phase": "Running", "started_at": "soon"}}, "operation.started_at"),
        ({"operation": None, "reconciled_at": None}, "operation.started_at or reconciled_at"),
    ],
)
def test_malformed_payloads_name_the_field(change: dict[str, Any], message: str) -> None:
    payload = json.loads(
        render(
            template_body("callboard-sync-running"), {"app": app_in("Running"), "context": CONTEXT}
        )
    )
    payload.update(change)
    with pytest.raises(WebhookError) as refused:
        deliver("argocd", payload)
    assert refused.value.status == 400
    assert message in refused.value.message


def test_an_unknown_phase_is_kept_raw() -> None:
    event = send("sync-running", app_in("Reticulating"))
    assert (event.status, event.raw_status) == (RunStatus.UNKNOWN, "Reticulating")


def test_headers_come_from_the_route_in_any_case() -> None:
    body = render(
        template_body("callboard-sync-running"), {"app": app_in("Running"), "context": CONTEXT}
    )
    headers = {name.upper(): value for name, value in bearer_headers(SECRETS.argocd).items()}
    assert parse_webhook("argocd", headers, body.encode(), SECRETS, now=NOW).events
