"""Fitting blocks into a surface: counts and total text, the buttons always kept."""

from __future__ import annotations

import pytest

from bot.blocks.elements import actions, button, context, fields_section, header, section
from bot.blocks.limits import MAX_BLOCKS, MAX_MESSAGE_BLOCK_CHARS, MAX_VIEW_BLOCK_CHARS, Surface
from bot.blocks.message import LEFT_OUT, SlackMessage, fallback_text, fit_blocks, text_size
from bot.slack_standin import validate_blocks


@pytest.mark.parametrize("surface", ["message", "modal", "home"])
def test_too_many_blocks_are_cut_and_the_tail_kept(surface: Surface) -> None:
    body = [section(f"block {i}") for i in range(500)]
    tail = [actions([button("Share in channel", "share_in_channel", value="whois x")])]
    fitted = fit_blocks(body, surface=surface, tail=tail)
    assert len(fitted) == MAX_BLOCKS[surface]
    assert fitted[-1] == tail[0]
    assert fitted[-2] == context(LEFT_OUT)
    assert fitted[0]["text"]["text"] == "block 0"
    assert validate_blocks(fitted, surface=surface) == []


@pytest.mark.parametrize(
    ("surface", "budget"), [("message", MAX_MESSAGE_BLOCK_CHARS), ("home", MAX_VIEW_BLOCK_CHARS)]
)
def test_too_much_text_is_cut_by_whole_blocks(surface: Surface, budget: int) -> None:
    body = [section("x" * 2900) for _ in range(30)]
    fitted = fit_blocks(body, surface=surface)
    assert sum(text_size(b) for b in fitted) <= budget
    assert fitted[-1] == context(LEFT_OUT)
    assert len(fitted) < 31


def test_blocks_that_fit_are_left_as_they_are() -> None:
    body = [header("x"), section("y")]
    assert fit_blocks(body) == body


def test_elements_cut_their_texts_to_slacks_limits() -> None:
    blocks = [
        header("h" * 500),
        section("s" * 5000),
        fields_section(["f" * 3000] * 15, text="t" * 4000),
        context(*(["c" * 4000] * 15)),
        actions([button("b" * 100, f"{i:03}" + "a" * 300, value="v" * 3000) for i in range(30)]),
    ]
    assert validate_blocks(blocks) == []


def test_the_fallback_text_is_cut_to_3000() -> None:
    message = SlackMessage(fallback_text("t" * 10_000), [])
    assert len(message.text) == 3000
    assert message.payload() == {"text": message.text, "blocks": []}
