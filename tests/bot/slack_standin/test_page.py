"""The stand-in's page: its files, its JSON endpoints, and its mrkdwn/Block Kit rendering."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import bot.slack_standin as standin_package
from bot.slack_standin import StandinServer
from bot.slack_standin.app import STATIC
from tests.bot.slack_standin.conftest import Answer, Receiver, json_answer

Connected = tuple[StandinServer, Receiver]
BUTTON_CARD: list[dict[str, Any]] = [
    {"type": "section", "block_id": "s", "text": {"type": "mrkdwn", "text": "Deploy?"}},
    {
        "type": "actions",
        "block_id": "a",
        "elements": [
            {
                "type": "button",
                "action_id": "deploy",
                "text": {"type": "plain_text", "text": "Deploy"},
            }
        ],
    },
]


def test_the_page_and_its_files_are_served(standin: StandinServer) -> None:
    page = httpx.get(standin.url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    documented = set(re.findall(r"``#([a-z-]+)``", standin_package.__doc__ or ""))
    assert {
        "user-select",
        "channel-select",
        "messages",
        "modal",
        "modal-submit",
        "home",
    } <= documented
    for element_id in documented:
        assert f'id="{element_id}"' in page.text, element_id
    for name in ("standin.js", "render.js", "standin.css"):
        assert httpx.get(f"{standin.url}static/{name}").status_code == 200


def test_state_shows_what_the_person_sees(standin: StandinServer) -> None:
    state = standin.state
    state.add_message("C0PAYMENTS", user="U0CALLBOARD", text="for all")
    state.add_message("C0PAYMENTS", user="U0CALLBOARD", text="for bob", ephemeral_to="U0BOB")
    seen = httpx.get(
        f"{standin.url}ui/state", params={"user": "U0ALICE", "channel": "C0PAYMENTS"}
    ).json()
    assert [m["text"] for m in seen["messages"]] == ["for all"]
    assert seen["users"]["U0ALICE"]["shown"] == "alice"
    mine = {c["id"] for c in seen["channels"] if c["is_member"]}
    assert mine == {"C0GENERAL", "C0PAYMENTS", "C0ONCALL", "C0LEADS", "D0ALICE"}
    bob = httpx.get(
        f"{standin.url}ui/state", params={"user": "U0BOB", "channel": "C0PAYMENTS"}
    ).json()
    assert [(m["text"], m["ephemeral"]) for m in bob["messages"]] == [
        ("for all", False),
        ("for bob", True),
    ]


def test_long_poll_returns_on_the_next_change(standin: StandinServer) -> None:
    url = f"{standin.url}ui/state"
    version = httpx.get(url).json()["version"]
    answers: list[dict[str, Any]] = []
    poll = threading.Thread(
        target=lambda: answers.append(httpx.get(url, params={"since": version}, timeout=30).json())
    )
    started = time.monotonic()
    poll.start()
    time.sleep(0.2)
    assert not answers
    standin.state.add_message("C0PAYMENTS", user="U0CALLBOARD", text="news")
    poll.join(timeout=10)
    assert answers and answers[0]["version"] > version
    assert time.monotonic() - started < 5


def test_actions_need_a_connected_bot(standin: StandinServer) -> None:
    answer = httpx.post(
        f"{standin.url}ui/command",
        json={"user": "U0ALICE", "channel": "C0PAYMENTS", "text": "/idp help"},
    )
    assert answer.status_code == 409


def test_page_endpoints_drive_the_bot(connected: Connected) -> None:
    server, bot = connected
    base = server.url

    bot.answer = lambda received: Answer(body="help text")
    answer = httpx.post(
        f"{base}ui/command", json={"user": "U0ALICE", "channel": "C0PAYMENTS", "text": "/idp help"}
    ).json()
    assert answer["ok"] and answer["status"] == 200
    assert bot.requests[-1].form["command"] == "/idp" and bot.requests[-1].form["text"] == "help"

    posted = server.state.add_message(
        "C0PAYMENTS", user="U0CALLBOARD", text="Deploy?", blocks=BUTTON_CARD
    )
    bot.answer = lambda received: Answer()
    clicked = httpx.post(
        f"{base}ui/action",
        json={
            "user": "U0ALICE",
            "channel": "C0PAYMENTS",
            "ts": posted.ts,
            "action_id": "deploy",
            "block_id": "a",
        },
    ).json()
    assert clicked["ok"] and bot.requests[-1].payload["actions"][0]["action_id"] == "deploy"

    missing = httpx.post(
        f"{base}ui/action",
        json={"user": "U0ALICE", "channel": "C0PAYMENTS", "ts": posted.ts, "action_id": "nope"},
    )
    assert missing.status_code == 400 and "nope" in missing.json()["error"]

    bot.answer = lambda received: Answer()
    httpx.post(
        f"{base}ui/message",
        json={"user": "U0BOB", "channel": "C0PAYMENTS", "text": "@callboard status in #checkout"},
    )
    deadline = time.monotonic() + 5
    while not bot.of_kind("event_callback") and time.monotonic() < deadline:
        time.sleep(0.02)
    deadline = time.monotonic() + 5
    while not all(d.attempts for d in server.state.deliveries) and time.monotonic() < deadline:
        time.sleep(0.02)
    event = bot.of_kind("event_callback")[0].json["event"]
    assert event["type"] == "app_mention"
    assert event["text"] == "<@U0CALLBOARD> status in <#C0CHECKOUT|checkout>"


def test_modal_submit_and_close_from_the_page(connected: Connected) -> None:
    server, bot = connected
    modal = {
        "type": "modal",
        "callback_id": "why",
        "title": {"type": "plain_text", "text": "Why?"},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": [
            {
                "type": "input",
                "block_id": "reason",
                "label": {"type": "plain_text", "text": "Reason"},
                "element": {"type": "plain_text_input", "action_id": "text"},
            }
        ],
    }
    trigger = server.state.issue_trigger("U0ALICE")
    client_url = server.api_url + "views.open"
    token = server.state.workspace.bot_token
    opened = httpx.post(
        client_url,
        json={"trigger_id": trigger.id, "view": modal},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    view_id = opened["view"]["id"]
    seen = httpx.get(
        f"{server.url}ui/state", params={"user": "U0ALICE", "channel": "C0PAYMENTS"}
    ).json()
    assert seen["modal"]["id"] == view_id and seen["modal"]["depth"] == 1

    empty = httpx.post(
        f"{server.url}ui/submit", json={"user": "U0ALICE", "view_id": view_id, "values": {}}
    )
    assert empty.status_code == 400 and "reason" in empty.json()["error"]
    bot.answer = lambda received: json_answer(
        {"response_action": "errors", "errors": {"reason": "Too short"}}
    )
    httpx.post(
        f"{server.url}ui/submit",
        json={"user": "U0ALICE", "view_id": view_id, "values": {"reason": {"text": "x"}}},
    )
    seen = httpx.get(f"{server.url}ui/state", params={"user": "U0ALICE"}).json()
    assert seen["modal"]["errors"] == {"reason": "Too short"}
    assert bot.requests[-1].payload["view"]["state"]["values"]["reason"]["text"]["value"] == "x"
    assert httpx.post(
        f"{server.url}ui/close", json={"user": "U0ALICE", "view_id": view_id}
    ).json() == {"ok": True}
    assert httpx.get(f"{server.url}ui/state", params={"user": "U0ALICE"}).json()["modal"] is None


def node_render(script: str) -> Any:
    node = shutil.which("node")
    if node is None:
        pytest.skip("`node` is not installed; the page's renderer is checked with Node.js")
    program = f"const r = require({json.dumps(str(STATIC / 'render.js'))});\n{script}"
    result = subprocess.run(
        [node, "-e", program], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_mrkdwn_is_rendered_safely() -> None:
    rendered = node_render(
        """
        r.use({
          users: {U0ALICE: {shown: "alice"}},
          channels: [{id: "C0PAYMENTS", name: "payments"}],
        });
        const cases = [
          "<@U0ALICE> owns <#C0PAYMENTS>",
          "*bold* _italic_ ~gone~ `a<b`",
          "<https://backstage.acme.example/x?a=1&amp;b=2|the &lt;catalog&gt;>",
          "<javascript:alert(1)|click>",
          "<script>alert(1)</script> &lt;img src=x onerror=alert(1)&gt;",
          "```&lt;b&gt;raw&lt;/b&gt; *not bold*```",
        ];
        console.log(JSON.stringify(cases.map((c) => r.mrkdwn(c))));
        """
    )
    assert (
        rendered[0]
        == '<span class="mention">@alice</span> owns <span class="mention">#payments</span>'
    )
    assert rendered[1] == "<b>bold</b> <i>italic</i> <s>gone</s> <code>a&lt;b</code>"
    assert rendered[2] == (
        '<a href="https://backstage.acme.example/x?a=1&amp;b=2" target="_blank" '
        'rel="noopener noreferrer">the &lt;catalog&gt;</a>'
    )
    assert "<a" not in rendered[3] and "javascript" in rendered[3]
    assert "<script" not in rendered[4] and "<img" not in rendered[4]
    assert rendered[5] == "<pre>&lt;b&gt;raw&lt;/b&gt; *not bold*</pre>"


def test_blocks_are_rendered_with_stable_hooks() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "<i>payment-service</i>"}},
        {
            "type": "section",
            "block_id": "s1",
            "text": {"type": "mrkdwn", "text": "*Owner*"},
            "fields": [{"type": "mrkdwn", "text": "_prod_"}],
            "accessory": {
                "type": "button",
                "action_id": "open",
                "text": {"type": "plain_text", "text": "Open"},
            },
        },
        {
            "type": "context",
            "elements": [
                {"type": "image", "image_url": "https://x.example/i.png", "alt_text": "logo"}
            ],
        },
        {"type": "divider"},
        {"type": "image", "image_url": "https://x.example/g.png", "alt_text": "latency graph"},
        {
            "type": "actions",
            "block_id": "act",
            "elements": [
                {
                    "type": "static_select",
                    "action_id": "env",
                    "options": [{"text": {"type": "plain_text", "text": "prod"}, "value": "prod"}],
                }
            ],
        },
        {
            "type": "input",
            "block_id": "name",
            "label": {"type": "plain_text", "text": "Name"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
    ]
    html = node_render(
        f"console.log(JSON.stringify(r.renderBlocks({json.dumps(blocks)}, {{name: 'taken'}})));"
    )
    assert "<h3>&lt;i&gt;payment-service&lt;/i&gt;</h3>" in html
    assert '<div class="section-text"><b>Owner</b></div>' in html and "<i>prod</i>" in html
    assert 'data-action-id="open" data-block-id="s1" data-kind="button" data-mode="act"' in html
    assert (
        "[logo]" in html
        and "[image: latency graph]" in html
        and '<hr class="block divider"' in html
    )
    assert 'data-action-id="env" data-block-id="act" data-kind="static_select"' in html
    assert (
        'data-action-id="value" data-block-id="name" data-kind="plain_text_input" data-mode="input"'
        in html
    )
    assert '<div class="input-error">taken</div>' in html


def test_the_page_script_parses() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("`node` is not installed; the page's script is checked with Node.js")
    for name in ("standin.js", "render.js"):
        result = subprocess.run(
            [node, "--check", str(Path(STATIC) / name)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
