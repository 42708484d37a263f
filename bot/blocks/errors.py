"""An answer that could not be given: the message, "did you mean", and suggestions."""

from __future__ import annotations

from bot.blocks.actions import RUN_COMMAND, fits_value, numbered, run_command_button
from bot.blocks.compose import compose
from bot.blocks.elements import Block, actions, context, section
from bot.blocks.escaping import escape_specials, one_line
from bot.blocks.message import SlackMessage
from bot.blocks.truncation import truncate
from commands.dispatch import ErrorReply

SUGGESTIONS = 5


def render_error(reply: ErrorReply, *, root: str, verb: str = "whois") -> SlackMessage:
    """An error as a message.

    The message is ours but may quote what the person typed, so ``&``, ``<`` and ``>``
    are escaped (its backticks stay). Suggestions become buttons that run ``VERB
    suggestion``.

    Args:
        reply: The error.
        root: The umbrella command, e.g. ``/idp``.
        verb: The verb the person used, for the suggestion buttons.
    """
    message = truncate(escape_specials(reply.message), 2900)
    body: list[Block] = [section(f":warning: {message}")]
    tail: list[Block] = []
    ids = numbered(RUN_COMMAND)
    buttons = []
    if reply.did_you_mean and fits_value(reply.did_you_mean):
        corrected = one_line(reply.did_you_mean)
        buttons.append(
            run_command_button(
                f"Run {root} {corrected}", corrected, action_id=next(ids), style="primary"
            )
        )
    suggestions = [s for s in reply.suggestions if fits_value(f"{verb} {s}")][:SUGGESTIONS]
    for suggestion in suggestions:
        buttons.append(
            run_command_button(
                f"{verb} {one_line(suggestion)}", f"{verb} {suggestion}", action_id=next(ids)
            )
        )
    if suggestions:
        body.append(context("Did you mean one of these?"))
    if buttons:
        tail.append(actions(buttons))
    return compose(message, body, tail=tail, share=None)
