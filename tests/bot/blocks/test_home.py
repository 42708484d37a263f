"""The App Home tab: teams, who is on call for each, what they own, quick actions."""

from __future__ import annotations

import re
from typing import Any

from bot.blocks import Team, home_view
from catalog_store.oncall import OnCallAnswer
from catalog_store.ownership import GroupSummary, UserInfo
from commands.owner import OwnerReply, owner
from commands.services import Discovery
from tests.bot.blocks import synthetic
from tests.bot.blocks.conftest import assert_valid_home


def all_text(view: dict[str, Any]) -> str:
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(view["blocks"])
    return "\n".join(found)


def run_values(view: dict[str, Any]) -> list[str]:
    values = []
    for block in view["blocks"]:
        elements = [*block.get("elements", []), block.get("accessory") or {}]
        values += [
            e["value"] for e in elements if str(e.get("action_id", "")).startswith("run_command")
        ]
    return values


def test_home_for_a_catalog_user(discovery: Discovery) -> None:
    me = owner(discovery, "", user_email="alice@acme.example")
    assert me.me is not None
    teams = [
        (g, discovery.oncall.who_is_on_call(discovery.ownership.owner_chain(g.ref), None))
        for g in me.me.groups
    ]
    view = home_view(me, teams, root="/idp")
    assert_valid_home(view)
    text = all_text(view)
    assert "Hi <@U0ALICE>" in text
    assert "*Payments* \u00b7 <#C0PAYMENTS>" in text
    assert "Payment Service" in text and "*Owns " in text
    values = run_values(view)
    assert "oncall group:default/payments-team" in values
    assert {"owner", "help"} <= set(values)


def test_who_is_on_call_is_mentioned_per_team() -> None:
    me = OwnerReply(me=synthetic.user_whois(2).user, mentions={"user:default/alice": "U0ALICE"})
    teams: list[tuple[Team, OnCallAnswer]] = [
        (
            GroupSummary("group:default/g0", "g0", "Group 0", slack_channel_id="C0G0"),
            synthetic.oncall_answer(),
        ),
        (
            ("group:default/g1", "Group 1"),
            synthetic.oncall_answer(now=0, problem="PagerDuty is down"),
        ),
    ]
    view = home_view(me, teams, root="/idp", mentions={"user:default/p0": "U0P0"})
    assert_valid_home(view)
    sections = [b for b in view["blocks"] if b.get("accessory")]
    first, second = (b["text"]["text"] for b in sections)
    assert first.startswith("*Group 0* \u00b7 <#C0G0>") and "<@U0P0> until <!date^" in first
    assert second.startswith("*Group 1*\n:warning: PagerDuty is down")
    assert "<#C0PAYMENTS>" in second
    assert [b["accessory"]["value"] for b in sections] == [
        "oncall group:default/g0",
        "oncall group:default/g1",
    ]


def test_someone_not_in_the_catalog_is_told_so() -> None:
    for me in (None, OwnerReply()):
        view = home_view(me, [], root="/callboard")
        assert_valid_home(view)
        text = all_text(view)
        assert "You are not in the catalog yet" in text and "spec.profile.email" in text
        assert "`/callboard whois NAME`" in text
        assert run_values(view) == ["help"]


def test_a_huge_home_stays_within_100_blocks() -> None:
    user = synthetic.user_whois(300).user
    assert isinstance(user, UserInfo)
    me = OwnerReply(me=user)
    teams = [
        (
            GroupSummary(f"group:default/g{i}", f"g{i}", synthetic.EVIL),
            synthetic.oncall_answer(now=200),
        )
        for i in range(300)
    ]
    view = home_view(
        me, teams, root="/idp", mentions={f"user:default/p{i}": f"U0P{i}" for i in range(200)}
    )
    assert_valid_home(view)
    assert len(view["blocks"]) <= 100
    text = all_text(view)
    assert "And 275 more teams: ask `/idp oncall TEAM`." in text
    assert "*Owns 300:* 300 Component" in text
    assert "<!channel>" not in "\n".join(
        b["text"]["text"] for b in view["blocks"] if b["type"] == "section"
    )
    assert view["blocks"][-1]["block_id"] == "home_quick_actions"
    assert re.search(r"and \d+ more", text)
