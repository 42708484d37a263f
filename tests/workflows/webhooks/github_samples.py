"""GitHub webhook payloads in the documented shapes (trimmed of fields Callboard ignores
only where GitHub sends large repeated objects; every field Callboard reads is as sent)."""

from __future__ import annotations

import copy
from typing import Any

SHA = "9f2c1e7d4b0a8c6e5f3d2b1a0c9e8d7f6a5b4c3d"
REPO_API = "https://api.github.com/repos/acme/payment-service"


def user(login: str, user_id: int, kind: str = "User") -> dict[str, Any]:
    """A GitHub user object as webhooks embed it."""
    return {
        "login": login,
        "id": user_id,
        "node_id": f"MDQ6VXNlcj{user_id}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
        "gravatar_id": "",
        "url": f"https://api.github.com/users/{login}",
        "html_url": f"https://github.com/{login}",
        "type": kind,
        "site_admin": False,
    }


ALICE = user("alice", 5821991)
ACTIONS_BOT = user("github-actions[bot]", 41898282, "Bot")

REPOSITORY: dict[str, Any] = {
    "id": 778899121,
    "node_id": "R_kgDOLm0Hsw",
    "name": "payment-service",
    "full_name": "acme/payment-service",
    "private": True,
    "owner": user("acme", 9919, "Organization"),
    "html_url": "https://github.com/acme/payment-service",
    "description": "Takes payments",
    "fork": False,
    "url": REPO_API,
    "deployments_url": f"{REPO_API}/deployments",
    "created_at": "2024-03-28T08:12:40Z",
    "updated_at": "2024-04-30T17:01:02Z",
    "pushed_at": "2024-05-01T09:58:31Z",
    "default_branch": "main",
    "visibility": "private",
}

ORGANIZATION: dict[str, Any] = {
    "login": "acme",
    "id": 9919,
    "node_id": "MDEyOk9yZ2FuaXphdGlvbjk5MTk=",
    "url": "https://api.github.com/orgs/acme",
    "description": "",
}

DEPLOYMENT: dict[str, Any] = {
    "url": f"{REPO_API}/deployments/1419829530",
    "id": 1419829530,
    "node_id": "DE_kwDOLm0Hs85Ugmna",
    "task": "deploy",
    "original_environment": "production",
    "environment": "production",
    "description": "Deploy payment-service 9f2c1e7",
    "created_at": "2024-05-01T10:01:12Z",
    "updated_at": "2024-05-01T10:01:12Z",
    "statuses_url": f"{REPO_API}/deployments/1419829530/statuses",
    "repository_url": REPO_API,
    "creator": ALICE,
    "sha": SHA,
    "ref": "main",
    "payload": {},
    "transient_environment": False,
    "production_environment": True,
    "performed_via_github_app": None,
}

DEPLOYMENT_CREATED: dict[str, Any] = {
    "action": "created",
    "deployment": DEPLOYMENT,
    "workflow": None,
    "workflow_run": None,
    "repository": REPOSITORY,
    "organization": ORGANIZATION,
    "sender": ALICE,
}

JOB_URL = "https://github.com/acme/payment-service/actions/runs/8927361520/job/24512763541"

DEPLOYMENT_STATUS_SUCCESS: dict[str, Any] = {
    "action": "created",
    "deployment_status": {
        "url": f"{REPO_API}/deployments/1419829530/statuses/2846519713",
        "id": 2846519713,
        "node_id": "DES_kwDOLm0Hs86pqMuh",
        "state": "success",
        "creator": ACTIONS_BOT,
        "description": "Deployed to production",
        "environment": "production",
        "target_url": JOB_URL,
        "created_at": "2024-05-01T10:04:51Z",
        "updated_at": "2024-05-01T10:04:51Z",
        "deployment_url": f"{REPO_API}/deployments/1419829530",
        "repository_url": REPO_API,
        "environment_url": "https://payments.acme.example",
        "log_url": JOB_URL,
        "performed_via_github_app": None,
    },
    "deployment": dict(DEPLOYMENT, updated_at="2024-05-01T10:04:51Z"),
    "check_run": None,
    "workflow": None,
    "workflow_run": None,
    "repository": REPOSITORY,
    "organization": ORGANIZATION,
    "sender": ACTIONS_BOT,
}

WORKFLOW_RUN_COMPLETED: dict[str, Any] = {
    "action": "completed",
    "workflow_run": {
        "id": 8927361520,
        "name": "CI",
        "node_id": "WFR_kwLOLm0Hs88AAAACFB3sMA",
        "head_branch": "main",
        "head_sha": SHA,
        "path": ".github/workflows/ci.yml",
        "display_title": "Raise the payments queue visibility timeout",
        "run_number": 412,
        "event": "push",
        "status": "completed",
        "conclusion": "success",
        "workflow_id": 91022314,
        "check_suite_id": 23489123111,
        "check_suite_node_id": "CS_kwDOLm0Hs88AAAAFd_QeJw",
        "url": f"{REPO_API}/actions/runs/8927361520",
        "html_url": "https://github.com/acme/payment-service/actions/runs/8927361520",
        "pull_requests": [],
        "created_at": "2024-05-01T09:58:40Z",
        "updated_at": "2024-05-01T10:03:02Z",
        "actor": ALICE,
        "run_attempt": 1,
        "referenced_workflows": [],
        "run_started_at": "2024-05-01T09:58:40Z",
        "triggering_actor": ALICE,
        "jobs_url": f"{REPO_API}/actions/runs/8927361520/jobs",
        "logs_url": f"{REPO_API}/actions/runs/8927361520/logs",
        "check_suite_url": f"{REPO_API}/check-suites/23489123111",
        "artifacts_url": f"{REPO_API}/actions/runs/8927361520/artifacts",
        "cancel_url": f"{REPO_API}/actions/runs/8927361520/cancel",
        "rerun_url": f"{REPO_API}/actions/runs/8927361520/rerun",
        "previous_attempt_url": None,
        "workflow_url": f"{REPO_API}/actions/workflows/91022314",
        "head_commit": {
            "id": SHA,
            "tree_id": "c2f6d1b9a0e4d7f3b8a5c1e2d9f0a7b6c3e4d5f6",
            "message": "Raise the payments queue visibility timeout\n\nThe consumer needs 90s.",
            "timestamp": "2024-05-01T09:58:31Z",
            "author": {"name": "Alice", "email": "alice@acme.example"},
            "committer": {"name": "GitHub", "email": "noreply@github.com"},
        },
        "repository": REPOSITORY,
        "head_repository": REPOSITORY,
    },
    "workflow": {
        "id": 91022314,
        "node_id": "W_kwDOLm0Hs84FbO1q",
        "name": "CI",
        "path": ".github/workflows/ci.yml",
        "state": "active",
        "created_at": "2024-03-28T08:20:11.000Z",
        "updated_at": "2024-04-02T12:41:56.000Z",
        "url": f"{REPO_API}/actions/workflows/91022314",
        "html_url": "https://github.com/acme/payment-service/blob/main/.github/workflows/ci.yml",
        "badge_url": "https://github.com/acme/payment-service/workflows/CI/badge.svg",
    },
    "repository": REPOSITORY,
    "organization": ORGANIZATION,
    "sender": ALICE,
}

PING: dict[str, Any] = {
    "zen": "Design for failure.",
    "hook_id": 292430182,
    "hook": {
        "type": "Repository",
        "id": 292430182,
        "name": "web",
        "active": True,
        "events": ["deployment", "deployment_status", "workflow_run"],
        "config": {
            "content_type": "json",
            "insecure_ssl": "0",
            "url": "https://callboard.example.com/webhooks/github",
        },
    },
    "repository": REPOSITORY,
    "sender": ALICE,
}

PUSH: dict[str, Any] = {
    "ref": "refs/heads/main",
    "before": "0000000000000000000000000000000000000000",
    "after": SHA,
    "repository": REPOSITORY,
    "pusher": {"name": "alice", "email": "alice@acme.example"},
    "sender": ALICE,
    "created": False,
    "deleted": False,
    "forced": False,
    "commits": [],
}


def deployment_status(state: str, updated_at: str, status_id: int) -> dict[str, Any]:
    """The success sample with another state."""
    payload = copy.deepcopy(DEPLOYMENT_STATUS_SUCCESS)
    payload["deployment_status"].update(
        state=state, updated_at=updated_at, created_at=updated_at, id=status_id
    )
    return payload


def workflow_run(
    action: str, status: str, conclusion: str | None, attempt: int = 1, updated_at: str = ""
) -> dict[str, Any]:
    """The completed sample at another point of its life."""
    payload = copy.deepcopy(WORKFLOW_RUN_COMPLETED)
    payload["action"] = action
    payload["workflow_run"].update(status=status, conclusion=conclusion, run_attempt=attempt)
    if updated_at:
        payload["workflow_run"]["updated_at"] = updated_at
    return payload
