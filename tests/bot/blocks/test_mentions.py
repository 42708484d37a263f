"""People are mentioned and channels linked only from valid Slack ids; else named."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.blocks import render_reply
from catalog_store.oncall import OnCallPerson, OnCallShift
from catalog_store.ownership import PersonInfo
from tests.bot.blocks import synthetic
from tests.bot.blocks.conftest import assert_valid_message
from tests.bot.blocks.test_oversized import mrkdwn_texts

BAD_IDS = ["U0ALICE> <!channel", "alice", "C0PAYMENTS", "u0lower", "U0", "U0A|x", ""]


def test_invalid_user_ids_fall_back_to_names() -> None:
    team = synthetic.group(members=len(BAD_IDS) + 1)
    mentions = {m.ref: bad for m, bad in zip(team.members, BAD_IDS, strict=False)}
    mentions[team.members[-1].ref] = "W0VALID"
    answer = synthetic.group_whois(team, synthetic.owned({}))
    message = render_reply(replace(answer, mentions=mentions))
    assert_valid_message(message)
    members = next(t for t in mrkdwn_texts(message) if t.startswith("*Members"))
    assert re.findall(r"<@([^>]*)>", members) == ["W0VALID"]
    for person in team.members[:-1]:
        assert person.label in members


def test_annotated_slack_ids_are_checked_too() -> None:
    team = synthetic.group(members=2)
    people = (
        PersonInfo("user:default/a", "a", "Ann", slack_user_id="U0ANN"),
        PersonInfo("user:default/b", "b", "Bea", slack_user_id="<!here>"),
    )
    answer = synthetic.group_whois(replace(team, members=people), synthetic.owned({}))
    members = next(
        t for t in mrkdwn_texts(render_reply(replace(answer, mentions={}))) if "Members" in t
    )
    assert members == "*Members (2):* <@U0ANN>, Bea"


def test_on_call_people_are_mentioned_by_email_key_too() -> None:
    oncall = synthetic.oncall_answer(now=0)
    oncall.now.append(OnCallShift(OnCallPerson("Pat Provider", email="Pat@Acme.example")))
    oncall.now.append(OnCallShift(OnCallPerson("Sam Shady", email="sam@acme.example")))
    answer = synthetic.component_whois(
        synthetic.card(),
        oncall=oncall,
        mentions={"pat@acme.example": "U0PAT", "sam@acme.example": "<!channel>"},
    )
    now = next(t for t in mrkdwn_texts(render_reply(answer)) if t.startswith("*On call now*"))
    assert "\u2022 <@U0PAT>" in now and "\u2022 Sam Shady" in now
    assert "<!channel>" not in now


def test_channels_are_linked_only_from_valid_ids() -> None:
    for channel, expected in [
        ("C0PAYMENTS", "<#C0PAYMENTS>"),
        ("G0PRIVATE", "<#G0PRIVATE>"),
        ("C0X|<!here>", "#payments"),
        ("payments", "#payments"),
    ]:
        team = synthetic.group(channel=channel)
        answer = synthetic.group_whois(team, synthetic.owned({}))
        texts = mrkdwn_texts(render_reply(answer))
        line = next(t for t in texts if t.startswith("*Team:*"))
        assert f"\u00b7 {expected} \u00b7" in line
        assert "<!here>" not in "\n".join(texts)
