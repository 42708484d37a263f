"""``notifications check`` and ``notifications failed`` as Slack messages."""

from __future__ import annotations

from bot.blocks.actions import RUN_COMMAND, numbered, run_command_button
from bot.blocks.compose import compose
from bot.blocks.elements import Block, actions, context, header, section
from bot.blocks.escaping import channel_link, date_token, escape, one_line
from bot.blocks.message import SlackMessage
from bot.blocks.truncation import lines_within, truncate
from commands.notifications import ChannelStatus, NotificationsCheck, NotificationsFailed

LINES_CHARS = 2800
RETRY_BUTTONS = 5


def _channel_line(status: ChannelStatus) -> str:
    users = escape(truncate(", ".join(status.used_by), 200))
    if status.channel_id is None:
        return (
            f":x: `{escape(one_line(status.channel)[:80])}` is not a channel Slack knows ({users})"
        )
    return f":white_check_mark: {channel_link(status.channel_id)} ({users})"


def render_check(reply: NotificationsCheck, *, share: str | None) -> SlackMessage:
    """Every routed channel with whether Slack knows it."""
    body: list[Block] = [header("Run notifications: channels")]
    if not reply.enabled:
        body.append(section("Run notifications are not set up here."))
    if reply.problem:
        body.append(section(f":warning: {escape(one_line(reply.problem)[:500])}"))
    if reply.channels:
        lines = [_channel_line(c) for c in reply.channels]
        body.append(section(lines_within(lines, LINES_CHARS)))
    elif reply.enabled:
        body.append(section("No channel is configured: set `notifications.defaultChannel`."))
    unknown = len(reply.unknown)
    summary = (
        f"{unknown} of {len(reply.channels)} channels are unknown"
        if unknown
        else f"All {len(reply.channels)} channels are known"
    )
    body.append(context(summary + "."))
    return compose(summary, body, share=share)


def render_failed(reply: NotificationsFailed, *, share: str | None) -> SlackMessage:
    """The dead letters, with a retry button for the newest."""
    body: list[Block] = [header("Run notifications that did not reach Slack")]
    if reply.retried is not None:
        body.append(section(f":repeat: Delivery {reply.retried} is queued again."))
    if not reply.items:
        body.append(section("Nothing failed: every notification was delivered."))
    lines = []
    for item in reply.items:
        where = channel_link(item.channel) if item.channel[:1] in "CGD" else escape(item.channel)
        run = escape(one_line(item.run_key or "digest")[:120])
        error = escape(one_line(item.error or "unknown error")[:200])
        lines.append(
            f"*{item.id}* \u00b7 {item.kind} to {where} \u00b7 {run}\n"
            f"      `{error}` after {item.attempts} attempts, {date_token(item.failed_at)}"
        )
    if lines:
        body.append(section(lines_within(lines, LINES_CHARS)))
        body.append(context("Fix the cause (invite the bot, fix the route), then retry."))
    ids = numbered(RUN_COMMAND)
    buttons = [
        run_command_button(
            f"Retry {item.id}", f"notifications retry {item.id}", action_id=next(ids)
        )
        for item in reply.items[:RETRY_BUTTONS]
    ]
    tail = [actions(buttons)] if buttons else []
    text = f"{len(reply.items)} notifications did not reach Slack"
    return compose(text, body, tail=tail, share=share)
