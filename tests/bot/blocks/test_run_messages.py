"""Run cards, thread replies, digests and the notifications answers: within Slack's limits
with oversized data, and nothing a webhook sent can mention, link or broadcast."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.blocks.notifications import render_check, render_failed
from bot.blocks.run_messages import render_card, render_chat_message, render_digest, render_reply
from bot.slack_standin import validate_blocks
from commands.notifications import ChannelStatus, NotificationsCheck, NotificationsFailed
from workflows.notifications.messages import (
    Digest,
    DigestEntry,
    ReplyKind,
    RunCard,
    StatusStep,
    ThreadReply,
)
from workflows.notifications.service import FailedDelivery
from workflows.runs import PlanCounts, RunKind, RunLink, RunStatus

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
EVIL = "<!channel> <@U0BOSS> <https://evil.example|click> @here *bold* `code` & more"


def card(**changes: object) -> RunCard:
    values: dict[str, object] = {
        "run_key": "generic:1",
        "source": "generic",
        "run_id": "1",
        "kind": RunKind.TERRAFORM,
        "title": "payments-infra",
        "component": "payment-service",
        "component_ref": "component:default/payment-service",
        "environment": "production",
        "status": RunStatus.PLANNED,
        "raw_status": "planned",
        "history": (
            StatusStep(RunStatus.QUEUED, NOW),
            StatusStep(RunStatus.PLANNING, NOW),
            StatusStep(RunStatus.PLANNED, NOW),
        ),
        "plan": PlanCounts(3, 1, 0),
        "actor": "alice",
        "commit": "0123456789abcdef",
        "commit_message": "Raise the card limit",
        "links": (RunLink("Run", "https://ci.example/runs/1"),),
        "note": None,
        "started_at": NOW,
        "updated_at": NOW,
    }
    values.update(changes)
    return RunCard(**values)  # type: ignore[arg-type]


def all_text(blocks: list[dict[str, object]]) -> str:
    return json.dumps(blocks)


def mrkdwn_texts(value: object) -> list[str]:
    """Every ``mrkdwn`` text (Slack parses mentions and links there, not in plain text)."""
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn":
            return [str(value.get("text"))]
        return [t for v in value.values() for t in mrkdwn_texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in mrkdwn_texts(v)]
    return []


def test_a_card_shows_status_counts_and_links() -> None:
    message = render_card(card(), catalog_url="https://backstage.example")
    assert validate_blocks(message.blocks, surface="message") == []
    text = all_text(message.blocks)
    assert "plan ready" in text and "+3 ~1 \\u22120" in text and "`0123456`" in text
    assert "https://backstage.example/catalog/default/component/payment-service" in text
    assert "queued \\u2192 planning \\u2192 plan ready" in text
    assert message.text.startswith("Terraform run payments-infra")


def test_a_card_from_a_hostile_sender_pings_and_links_nobody() -> None:
    links = tuple(RunLink(EVIL * 3, f"https://ci.example/{n}") for n in range(500))
    hostile = card(
        title=EVIL * 50,
        component=EVIL,
        component_ref=None,
        environment=EVIL,
        actor=EVIL,
        commit_message=EVIL * 100,
        note=EVIL * 100,
        links=(RunLink("x", "javascript:alert(1)"), *links),
        history=tuple(StatusStep(RunStatus.RUNNING, NOW) for _ in range(1000)),
    )
    message = render_card(hostile)
    assert validate_blocks(message.blocks, surface="message") == []
    text = "\n".join(mrkdwn_texts(message.blocks)) + message.text
    for forbidden in ("<!channel>", "<@U0BOSS>", "<https://evil", "javascript:", "@here"):
        assert forbidden not in text


def test_replies_mention_only_on_call_ids_and_fit() -> None:
    reply = ThreadReply(
        kind=ReplyKind.FAILURE,
        run_key="generic:1",
        title="payments-infra",
        status=RunStatus.FAILED,
        raw_status="errored",
        body=("Error: " + EVIL + "\n") * 2000,
        mention_user_ids=("U0ALICE", "not an id", "U0BOB"),
        oncall_asked=True,
    )
    message = render_reply(reply)
    assert validate_blocks(message.blocks, surface="message") == []
    text = all_text(message.blocks)
    assert "<@U0ALICE>" in text and "<@U0BOB>" in text and "<!channel>" not in text
    nobody = render_reply(
        ThreadReply(ReplyKind.FAILURE, "k", "t", RunStatus.FAILED, None, "", (), True)
    )
    assert "Nobody on call" in all_text(nobody.blocks)
    odd = render_chat_message(
        ThreadReply(ReplyKind.UNKNOWN_STATUS, "k", "t", RunStatus.UNKNOWN, EVIL, "")
    )
    assert "does not know" in all_text(odd.blocks) and "<!channel>" not in all_text(odd.blocks)


def test_a_digest_of_thousands_of_runs_fits() -> None:
    entries = tuple(
        DigestEntry(
            run_key=f"generic:{n}",
            kind=RunKind.DEPLOYMENT,
            title=f"service-{n} {EVIL}",
            component=f"service-{n}",
            environment="production",
            status=RunStatus.SUCCEEDED,
            at=NOW - timedelta(minutes=n),
            url=f"https://ci.example/{n}",
        )
        for n in range(3000)
    )
    digest = Digest("C0DEPLOYS", NOW - timedelta(days=1), NOW, entries, entries, entries)
    message = render_digest(digest)
    assert validate_blocks(message.blocks, surface="message") == []
    assert "more" in all_text(message.blocks)
    empty = render_digest(Digest("C0DEPLOYS", NOW - timedelta(days=1), NOW, (), (), ()))
    assert "Nothing was deployed" in all_text(empty.blocks)


def test_notification_answers_fit_with_many_channels_and_failures() -> None:
    channels = tuple(
        ChannelStatus(f"#{EVIL}{n}", None if n % 2 else f"C{n:08d}", (EVIL,)) for n in range(500)
    )
    check = render_check(NotificationsCheck(channels), share="notifications check")
    assert validate_blocks(check.blocks, surface="message") == []
    assert "250 of 500 channels are unknown" in check.text
    failed = tuple(
        FailedDelivery(n, "card", "C0GONE", f"generic:{n}", EVIL, 3, NOW) for n in range(1000)
    )
    message = render_failed(NotificationsFailed(failed, retried=4), share=None)
    assert validate_blocks(message.blocks, surface="message") == []
    text = all_text(message.blocks)
    assert "<!channel>" not in text and "notifications retry 0" in text
