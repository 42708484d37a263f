"""Rendered answers go through the Web API of the local Slack: posted, ephemeral,
published on Home and unfurled, with nothing refused."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.blocks import home_view, render_reply, unfurl_card
from bot.slack_standin import StandinState
from commands.dispatch import CommandRouter, Invocation
from commands.owner import owner
from commands.services import Discovery
from commands.whois import whois
from tests.bot.blocks import synthetic
from tests.bot.blocks.test_oversized import ANSWERS
from tests.bot.slack_standin.conftest import client, clock, standin, state

__all__ = ["client", "clock", "standin", "state"]


def test_answers_are_accepted_by_chat_post_message_and_ephemeral(
    discovery: Discovery, client: WebClient, state: StandinState
) -> None:
    router = CommandRouter(discovery)
    for text in ["whois pmts", "find kind:api", "oncall checkout team", "owner", "help", "hwois x"]:
        reply = router.handle(Invocation(text=text, user_email="alice@acme.example"))
        message = render_reply(reply, command_text=text)
        posted = client.chat_postMessage(channel="C0PAYMENTS", **message.payload())
        assert posted["ok"] and posted["message"]["blocks"] == message.blocks
        assert client.chat_postEphemeral(channel="C0PAYMENTS", user="U0ALICE", **message.payload())[
            "ok"
        ]
    assert len(state.messages["C0PAYMENTS"]) >= 6


def test_oversized_answers_are_accepted_too(client: WebClient) -> None:
    for reply in ANSWERS.values():
        message = render_reply(reply)
        assert client.chat_postMessage(channel="C0PAYMENTS", **message.payload())["ok"]


def test_home_tabs_are_published(discovery: Discovery, client: WebClient) -> None:
    me = owner(discovery, "", user_email="alice@acme.example")
    assert me.me is not None
    teams = [(g, synthetic.oncall_answer(now=3)) for g in me.me.groups]
    published = client.views_publish(user_id="U0ALICE", view=home_view(me, teams, root="/idp"))
    assert published["ok"] and published["view"]["type"] == "home"
    assert client.views_publish(user_id="U0ERIN", view=home_view(None, [], root="/idp"))["ok"]


def test_catalog_links_are_unfurled(
    discovery: Discovery, client: WebClient, state: StandinState
) -> None:
    url = "https://backstage.acme.example/catalog/default/component/payment-service"
    message = state.add_message("C0PAYMENTS", user="U0ALICE", text=f"see <{url}>", source="user")
    card = unfurl_card(whois(discovery, "component:default/payment-service"))
    assert client.chat_unfurl(channel="C0PAYMENTS", ts=message.ts, unfurls={url: card})["ok"]
    assert [u.content for u in state.unfurls] == [card]
