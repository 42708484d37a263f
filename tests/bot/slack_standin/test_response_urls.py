"""``response_url`` semantics with ``slack_sdk.webhook.WebhookClient``."""

from __future__ import annotations

import json

from slack_sdk.webhook import WebhookClient

from bot.slack_standin import StandinServer, StandinState
from tests.bot.slack_standin.conftest import ManualClock


def url_for(
    state: StandinState, kind: str = "commands", original: tuple[str, str] | None = None
) -> str:
    issued = state.issue_response_url(kind, "U0ALICE", "C0PAYMENTS", original=original)
    return state.response_url_of(issued)


def test_a_post_is_ephemeral_by_default_and_in_channel_on_request(standin: StandinServer) -> None:
    state = standin.state
    url = url_for(state)
    assert url.startswith(standin.url + "commands/T0ACME/")
    webhook = WebhookClient(url)
    response = webhook.send(text="only for alice")
    assert response.status_code == 200 and json.loads(response.body) == {"ok": True}
    webhook.send(text="for everyone", response_type="in_channel")
    assert [m.text for m in state.channel_messages("C0PAYMENTS", viewer="U0BOB")] == [
        "for everyone"
    ]
    alice_sees = state.channel_messages("C0PAYMENTS", viewer="U0ALICE")
    assert [(m.text, m.ephemeral_to) for m in alice_sees] == [
        ("only for alice", "U0ALICE"),
        ("for everyone", None),
    ]
    assert all(m.source == "response_url" and m.user == "U0CALLBOARD" for m in alice_sees)


def test_replace_and_delete_original(standin: StandinServer) -> None:
    state = standin.state
    card = state.add_message("C0PAYMENTS", user="U0CALLBOARD", text="Deploy payment-service?")
    webhook = WebhookClient(url_for(state, "actions", (card.channel, card.ts)))
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Deploying…*"}}]
    assert webhook.send(text="Deploying", blocks=blocks, replace_original=True).status_code == 200
    replaced = state.find_message("C0PAYMENTS", card.ts)
    assert replaced is not None and replaced.text == "Deploying" and replaced.blocks == blocks
    assert [v.text for v in replaced.edits] == ["Deploy payment-service?"]
    assert webhook.send(delete_original=True).status_code == 200
    assert state.find_message("C0PAYMENTS", card.ts) is None
    gone = webhook.send(delete_original=True)
    assert gone.status_code == 404 and json.loads(gone.body)["error"] == "message_not_found"


def test_replacing_an_ephemeral_original_keeps_it_ephemeral(standin: StandinServer) -> None:
    state = standin.state
    card = state.add_message(
        "C0PAYMENTS", user="U0CALLBOARD", text="pick one", ephemeral_to="U0ALICE"
    )
    WebhookClient(url_for(state, "actions", (card.channel, card.ts))).send(
        text="picked", replace_original=True
    )
    assert [(m.text, m.ephemeral_to) for m in state.channel_messages("C0PAYMENTS")] == [
        ("picked", "U0ALICE")
    ]


def test_at_most_five_uses(standin: StandinServer) -> None:
    webhook = WebhookClient(url_for(standin.state))
    for n in range(5):
        assert webhook.send(text=f"update {n}").status_code == 200
    sixth = webhook.send(text="one too many")
    assert sixth.status_code == 404 and json.loads(sixth.body) == {"ok": False, "error": "used_url"}
    assert len(standin.state.channel_messages("C0PAYMENTS")) == 5


def test_thirty_minute_lifetime(standin: StandinServer, clock: ManualClock) -> None:
    webhook = WebhookClient(url_for(standin.state))
    clock.advance(29 * 60)
    assert webhook.send(text="still fine").status_code == 200
    clock.advance(61)
    late = webhook.send(text="too late")
    assert late.status_code == 404 and json.loads(late.body) == {
        "ok": False,
        "error": "expired_url",
    }


def test_invalid_posts_are_refused_and_not_counted(standin: StandinServer) -> None:
    state = standin.state
    webhook = WebhookClient(url_for(state))
    header = [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]
    bad = webhook.send(text="x", blocks=header)
    assert bad.status_code == 400
    body = json.loads(bad.body)
    assert body["error"] == "invalid_blocks"
    assert (
        "[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]"
        in (body["response_metadata"]["messages"])
    )
    assert json.loads(webhook.send(text="").body)["error"] == "no_text"
    assert state.channel_messages("C0PAYMENTS") == []
    assert [p.status for p in state.response_url_posts] == [400, 400]
    unknown = WebhookClient(standin.url + "commands/T0ACME/999/nope").send(text="x")
    assert unknown.status_code == 404
