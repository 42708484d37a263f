"""Run notifications end to end: signed webhooks in, one living message per run out, read
back from the Slack stand-in."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.bot.slack_app.conftest import MakeBot, blocks_text, wait_for
from tests.bot.slack_app.notify_support import (
    calls,
    generic_event,
    notify_bot,
    post_generic,
    post_tfc,
    thread_replies,
    top_level,
)


def test_a_run_is_one_message_updated_in_place(make_bot: MakeBot) -> None:
    bot = notify_bot(make_bot)
    statuses = ["queued", "running", "succeeded"]
    for minute, status in enumerate(statuses):
        answer = post_generic(
            bot,
            generic_event(
                "deploy-1",
                status,
                occurred_at=f"2026-11-22T09:0{minute}:00Z",
                commit="0123456789abcdef",
                commit_message="Raise the card limit",
                actor="alice",
                links=[{"label": "Build", "url": "https://ci.example/1"}],
            ),
        )
        assert answer.status_code == 202, answer.text
    cards = wait_for(
        lambda: [m for m in top_level(bot, "payments") if "done" in blocks_text(m)],
        what="the card reaching done",
    )
    assert len(top_level(bot, "payments")) == 1, "one message per run"
    text = blocks_text(cards[0])
    assert "payment-service" in text and "`0123456`" in text and "alice" in text
    posts_and_updates = calls(bot, "chat.postMessage", "chat.update")
    assert posts_and_updates <= len(statuses) + 2
    assert top_level(bot, "platform") == [], "the owner's channel, not the default"


def test_production_goes_to_the_release_channel_too(make_bot: MakeBot) -> None:
    bot = notify_bot(make_bot)
    event = generic_event("deploy-2", "running", environment="production")
    assert post_generic(bot, event).status_code == 202
    wait_for(lambda: top_level(bot, "checkout"), what="the release channel")
    wait_for(lambda: top_level(bot, "payments"), what="the owner's channel")


def test_replays_and_late_events_change_nothing(make_bot: MakeBot) -> None:
    bot = notify_bot(make_bot)
    done = generic_event("deploy-3", "succeeded", occurred_at="2026-11-22T09:05:00Z")
    assert post_generic(bot, done).status_code == 202
    card = wait_for(lambda: top_level(bot, "payments"))[0]
    replay = post_generic(bot, done)
    assert replay.status_code == 200 and replay.json()["duplicates"] == 1
    late = generic_event("deploy-3", "running", occurred_at="2026-11-22T09:01:00Z")
    assert post_generic(bot, late).status_code == 202
    bot.wiring.notifications().workers[0].run_once()  # type: ignore[union-attr]
    current = bot.state.find_message(card.channel, card.ts)
    assert current is not None and "done" in blocks_text(current)
    assert "running" not in blocks_text(current).split("\n")[0]


def test_forged_stale_and_oversized_webhooks_are_refused(make_bot: MakeBot) -> None:
    bot = notify_bot(make_bot)
    event = generic_event("deploy-4", "running")
    assert post_generic(bot, event, secret="not-the-secret").status_code == 401
    oversized = generic_event("deploy-4", "running", detail="x" * 2_000_000)
    assert post_generic(bot, oversized).status_code == 413
    assert post_generic(bot, {"x": 1}).status_code == 400
    bomb = ("[" * 100_000 + "]" * 100_000).encode()
    unsigned_bomb = httpx.post(f"{bot.url}/webhooks/generic", content=bomb)
    assert unsigned_bomb.status_code == 401
    assert httpx.post(f"{bot.url}/webhooks/nowhere", content=b"{}").status_code == 404
    bot.wiring.notifications().workers[0].run_once()  # type: ignore[union-attr]
    assert calls(bot, "chat.postMessage") == 0
    secrets_seen = " ".join(json.dumps(c.args) for c in bot.state.calls())
    assert "generic-secret" not in secrets_seen


def test_hcp_terraform_notifications_move_a_run_and_answer_the_ping(
    make_bot: MakeBot, shared_fixtures: Path
) -> None:
    bot = notify_bot(make_bot)
    folder = shared_fixtures / "terraform" / "tfc-notifications"
    ping = json.loads(next(folder.glob("*verification*")).read_text())
    assert post_tfc(bot, ping).json()["ping"] is True
    for name in ("run_created", "run_planning", "run_completed"):
        payload = json.loads(next(folder.glob(f"*{name}.json")).read_text())
        payload["workspace_name"] = "payment-service"
        assert post_tfc(bot, payload).status_code == 202
    card = wait_for(
        lambda: [m for m in top_level(bot, "payments") if "done" in blocks_text(m)],
        what="the terraform card reaching done",
    )[0]
    assert "Terraform" in blocks_text(card)
    assert post_tfc(bot, ping, token="wrong").status_code == 401


def test_an_unknown_component_goes_to_the_default_channel_with_a_note(make_bot: MakeBot) -> None:
    bot = notify_bot(make_bot)
    event = generic_event("deploy-5", "failed", component="no-such-service", detail="boom <!here>")
    assert post_generic(bot, event).status_code == 202
    card = wait_for(lambda: top_level(bot, "platform"))[0]
    assert "not in the catalog" in blocks_text(card)
    replies = wait_for(lambda: thread_replies(bot, card), what="the failure reply")
    assert "<!here>" not in json.dumps([r.blocks for r in replies])


def test_a_slack_outage_delays_delivery_and_loses_nothing(make_bot: MakeBot) -> None:
    bot = notify_bot(make_bot)
    bot.faults.fail("chat.postMessage", times=3, status=503)
    assert post_generic(bot, generic_event("deploy-6", "running")).status_code == 202
    assert post_generic(bot, generic_event("deploy-7", "running")).status_code == 202
    cards = wait_for(lambda: len(top_level(bot, "payments")) == 2 and top_level(bot, "payments"))
    assert len(cards) == 2


def test_a_deleted_channel_is_a_dead_letter_listed_and_retried(make_bot: MakeBot) -> None:
    bot = notify_bot(make_bot)
    workspace = bot.state.workspace
    with bot.state.changing():
        deleted = workspace.channels.pop("C0PAYMENTS")
    assert post_generic(bot, generic_event("deploy-8", "failed")).status_code == 202
    runtime = bot.wiring.notifications()
    assert runtime is not None
    dead = wait_for(
        lambda: [d for d in runtime.failed(10) if d.kind == "card"], what="a dead letter"
    )
    assert dead[0].error == "channel_not_found" and dead[0].channel == "C0PAYMENTS"

    assert bot.sender.slash_command("carol", "checkout", "/idp", "notifications failed").ok
    answer = wait_for(lambda: bot.bot_messages("carol", "checkout"))[0]
    assert "channel_not_found" in blocks_text(answer)
    assert f"notifications retry {dead[0].id}" in json.dumps(answer.blocks)

    with bot.state.changing():
        workspace.channels["C0PAYMENTS"] = deleted
    assert runtime.retry(dead[0].id)
    wait_for(lambda: top_level(bot, "payments"), what="the retried card")
    assert runtime.failed(10) == []


def test_notifications_check_names_unknown_channels(make_bot: MakeBot) -> None:
    bot = notify_bot(make_bot)
    with bot.state.changing():
        bot.state.workspace.channels.pop("C0CHECKOUT")
    assert bot.sender.slash_command("alice", "payments", "/idp", "notifications check").ok
    answer = wait_for(lambda: bot.bot_messages("alice", "payments"))[0]
    text = blocks_text(answer)
    assert "C0CHECKOUT" in text and "1 of 2 channels are unknown" in text


def test_a_terraform_plan_is_summarised_in_the_thread(
    make_bot: MakeBot, shared_fixtures: Path
) -> None:
    bot = notify_bot(make_bot)
    plan_file = shared_fixtures / "terraform" / "tfbuddy-plan-markdown" / "replace.tfplan.json"
    plan = json.loads(plan_file.read_text())
    event = generic_event("tf-1", "planned", kind="terraform", terraform_plan=plan)
    assert post_generic(bot, event).status_code == 202
    card = wait_for(lambda: top_level(bot, "payments"))[0]
    reply = wait_for(lambda: thread_replies(bot, card), what="the plan reply")[0]
    text = blocks_text(reply)
    assert "Replace (5)" in text and "random_pet.rando[0]" in text
    assert "```" not in text, "our own summary is formatted, not quoted"
    assert "\u00b15" in blocks_text(wait_for(lambda: bot.state.find_message(card.channel, card.ts)))
