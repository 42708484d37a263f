"""Slack's Block Kit limits: valid payloads pass, each oversized one names its path."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack_standin import validate_blocks, validate_message, validate_view


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def button(text: str = "Go", action_id: str = "go") -> dict[str, Any]:
    return {"type": "button", "text": plain(text), "action_id": action_id, "value": "v"}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text)}


RICH_MESSAGE: list[dict[str, Any]] = [
    {"type": "header", "text": plain("payment-service")},
    {
        "type": "section",
        "block_id": "summary",
        "text": mrkdwn("*Owner* <!subteam^S1|payments>"),
        "fields": [mrkdwn("*Lifecycle*\nproduction"), mrkdwn("*Tier*\n1")],
        "accessory": {
            "type": "overflow",
            "action_id": "more",
            "options": [option("Docs", "docs"), option("Runbook", "runbook")],
        },
    },
    {
        "type": "context",
        "elements": [
            mrkdwn("aliases: pmts"),
            {"type": "image", "image_url": "https://x.example/a.png", "alt_text": "logo"},
        ],
    },
    {"type": "divider"},
    {
        "type": "actions",
        "block_id": "act",
        "elements": [
            button("Page on-call", "page"),
            {
                "type": "static_select",
                "action_id": "env",
                "placeholder": plain("Environment"),
                "options": [option("prod", "prod"), option("staging", "staging")],
            },
            {"type": "users_select", "action_id": "who", "placeholder": plain("Someone")},
            {"type": "datepicker", "action_id": "when", "initial_date": "2024-05-01"},
        ],
    },
    {"type": "image", "image_url": "https://x.example/graph.png", "alt_text": "latency graph"},
]

MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "scaffold",
    "title": plain("New service"),
    "submit": plain("Create"),
    "close": plain("Cancel"),
    "private_metadata": "C0PAYMENTS",
    "blocks": [
        {
            "type": "input",
            "block_id": "name",
            "label": plain("Name"),
            "element": {"type": "plain_text_input", "action_id": "value", "max_length": 63},
        },
        {
            "type": "input",
            "block_id": "template",
            "label": plain("Template"),
            "element": {
                "type": "static_select",
                "action_id": "value",
                "option_groups": [
                    {"label": plain("Python"), "options": [option("FastAPI", "fastapi")]},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "flags",
            "optional": True,
            "label": plain("Options"),
            "element": {
                "type": "checkboxes",
                "action_id": "value",
                "options": [{"text": mrkdwn("*CI*"), "value": "ci"}],
            },
        },
    ],
}


def test_valid_message_modal_and_home_pass() -> None:
    assert validate_blocks(RICH_MESSAGE) == []
    assert validate_view(MODAL) == []
    assert validate_view({"type": "home", "blocks": RICH_MESSAGE}) == []
    assert validate_message("x" * 40_000, RICH_MESSAGE) == []


@pytest.mark.parametrize(
    ("blocks", "surface", "expected"),
    [
        (
            [section("x" * 3001)],
            "message",
            "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
        ),
        (
            [section("x")] * 51,
            "message",
            "[ERROR] no more than 50 items allowed [json-pointer:/blocks]",
        ),
        (
            [section("x")] * 101,
            "modal",
            "[ERROR] no more than 100 items allowed [json-pointer:/blocks]",
        ),
        (
            [{"type": "section", "fields": [mrkdwn("f")] * 11}],
            "message",
            "[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/fields]",
        ),
        (
            [{"type": "section", "fields": [mrkdwn("f" * 2001)]}],
            "message",
            "[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]",
        ),
        (
            [{"type": "header", "text": plain("h" * 151)}],
            "message",
            "[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]",
        ),
        (
            [{"type": "header", "text": mrkdwn("*bold*")}],
            "message",
            "[ERROR] must be a valid enum value [json-pointer:/blocks/0/text/type]",
        ),
        (
            [{"type": "actions", "elements": [button("b" * 76)]}],
            "message",
            "[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]",
        ),
        (
            [{"type": "actions", "elements": [button(action_id=f"a{i}") for i in range(26)]}],
            "message",
            "[ERROR] no more than 25 items allowed [json-pointer:/blocks/0/elements]",
        ),
        (
            [{"type": "context", "elements": [mrkdwn("c")] * 11}],
            "message",
            "[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/elements]",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "static_select",
                            "action_id": "s",
                            "options": [option(f"o{i}", f"v{i}") for i in range(101)],
                        }
                    ],
                }
            ],
            "message",
            "[ERROR] no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "static_select",
                            "action_id": "s",
                            "options": [option("o" * 76, "v")],
                        }
                    ],
                }
            ],
            "message",
            "[ERROR] must be less than 76 characters "
            "[json-pointer:/blocks/0/elements/0/options/0/text/text]",
        ),
        (
            [{"type": "actions", "elements": [button(action_id="a" * 256)]}],
            "message",
            "[ERROR] must be less than 256 characters "
            "[json-pointer:/blocks/0/elements/0/action_id]",
        ),
        (
            [{"type": "divider", "block_id": "b" * 256}],
            "message",
            "[ERROR] must be less than 256 characters [json-pointer:/blocks/0/block_id]",
        ),
        (
            [{"type": "section"}],
            "message",
            "[ERROR] must define either `text` or `fields` [json-pointer:/blocks/0]",
        ),
        (
            [{"type": "carousel"}],
            "message",
            "[ERROR] unsupported type: carousel [json-pointer:/blocks/0/type]",
        ),
        (
            [{"text": mrkdwn("x")}],
            "message",
            "[ERROR] missing required field: type [json-pointer:/blocks/0]",
        ),
        (
            [{"type": "image", "image_url": "https://x.example/i.png"}],
            "message",
            "[ERROR] missing required field: alt_text [json-pointer:/blocks/0]",
        ),
        (
            [{"type": "input", "label": plain("L")}],
            "modal",
            "[ERROR] missing required field: element [json-pointer:/blocks/0]",
        ),
        (
            [{"type": "markdown", "text": "**hi**"}],
            "modal",
            "[ERROR] unsupported type: markdown [json-pointer:/blocks/0/type]",
        ),
        (
            [
                {
                    "type": "section",
                    "text": mrkdwn("x"),
                    "accessory": {"type": "plain_text_input", "action_id": "a"},
                }
            ],
            "message",
            "[ERROR] unsupported type: plain_text_input [json-pointer:/blocks/0/accessory/type]",
        ),
        (
            [
                {"type": "section", "block_id": "a", "text": mrkdwn("x")},
                {"type": "divider", "block_id": "a"},
            ],
            "message",
            "[ERROR] duplicate block_id: a [json-pointer:/blocks/1/block_id]",
        ),
        ("not a list", "message", "[ERROR] must provide an array [json-pointer:/blocks]"),
    ],
)
def test_each_limit_names_the_failing_path(blocks: Any, surface: Any, expected: str) -> None:
    assert expected in validate_blocks(blocks, surface)


def test_the_limits_themselves_are_allowed() -> None:
    at_limits = [
        section("x" * 3000),
        {"type": "section", "fields": [mrkdwn("f" * 2000)] * 10},
        {"type": "header", "text": plain("h" * 150)},
        {"type": "actions", "elements": [button("b" * 75, f"a{i}") for i in range(25)]},
        {"type": "context", "elements": [mrkdwn("c")] * 10},
    ]
    assert validate_blocks(at_limits + [{"type": "divider"}] * 45) == []
    assert validate_blocks([{"type": "divider"}] * 100, "home") == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"title": plain("t" * 25)},
            "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]",
        ),
        (
            {"submit": plain("s" * 25)},
            "[ERROR] must be less than 25 characters [json-pointer:/view/submit/text]",
        ),
        (
            {"close": plain("c" * 25)},
            "[ERROR] must be less than 25 characters [json-pointer:/view/close/text]",
        ),
        (
            {"private_metadata": "m" * 3001},
            "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]",
        ),
        (
            {"callback_id": "c" * 256},
            "[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]",
        ),
        (
            {"submit": None},
            "[ERROR] must provide a submit button when using input blocks [json-pointer:/view]",
        ),
        ({"title": None}, "[ERROR] missing required field: title [json-pointer:/view]"),
        ({"type": "dialog"}, "[ERROR] unsupported view type: dialog [json-pointer:/view/type]"),
    ],
)
def test_view_limits(change: dict[str, Any], expected: str) -> None:
    view = {**MODAL, **change}
    view = {k: v for k, v in view.items() if v is not None}
    assert expected in validate_view(view)


def test_message_text_is_limited_to_forty_thousand_characters() -> None:
    assert validate_message("x" * 40_001, None) == [
        "[ERROR] must be less than 40001 characters [json-pointer:/text]"
    ]


def test_home_tab_blocks_are_checked_under_view() -> None:
    errors = validate_view({"type": "home", "blocks": [{"type": "divider"}] * 101})
    assert errors == ["[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"]
