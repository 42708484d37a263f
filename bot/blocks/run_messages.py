"""Run notifications in Block Kit: the living run card, its thread replies, the digest.

Everything a run carries came from a webhook or a job, so every value is escaped as catalog
text is: no mentions, links or broadcasts the sender did not get from us. People are
mentioned only by the Slack user ids the on-call lookup found.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.actions import OPEN_LINK
from bot.blocks.elements import Block, actions, button, context, fields_section, header, section
from bot.blocks.escaping import (
    date_token,
    escape,
    escape_specials,
    link,
    mention,
    one_line,
    safe_url,
)
from bot.blocks.message import SlackMessage, fallback_text, fit_blocks
from bot.blocks.truncation import lines_within, truncate
from workflows.notifications.messages import (
    ChatMessage,
    Digest,
    DigestEntry,
    ReplyKind,
    RunCard,
    ThreadReply,
)
from workflows.runs.events import RunKind, RunStatus

STATUS_EMOJI = {
    RunStatus.QUEUED: ":hourglass_flowing_sand:",
    RunStatus.PLANNING: ":mag:",
    RunStatus.PLANNED: ":clipboard:",
    RunStatus.APPLYING: ":arrows_counterclockwise:",
    RunStatus.RUNNING: ":arrows_counterclockwise:",
    RunStatus.SUCCEEDED: ":white_check_mark:",
    RunStatus.FAILED: ":x:",
    RunStatus.CANCELLED: ":no_entry_sign:",
    RunStatus.UNKNOWN: ":grey_question:",
}
STATUS_WORDS = {
    RunStatus.QUEUED: "queued",
    RunStatus.PLANNING: "planning",
    RunStatus.PLANNED: "plan ready",
    RunStatus.APPLYING: "applying",
    RunStatus.RUNNING: "running",
    RunStatus.SUCCEEDED: "done",
    RunStatus.FAILED: "failed",
    RunStatus.CANCELLED: "cancelled",
    RunStatus.UNKNOWN: "unknown",
}
KIND_WORDS = {
    RunKind.DEPLOYMENT: "Deployment",
    RunKind.TERRAFORM: "Terraform",
    RunKind.WORKFLOW: "Workflow",
}
MAX_LINKS = 5
VALUE_CHARS = 200
BODY_CHARS = 2900
DIGEST_LINES = 2800


def render_chat_message(message: ChatMessage, *, catalog_url: str | None = None) -> SlackMessage:
    """The Slack message of a run card, a thread reply or a digest."""
    if isinstance(message, RunCard):
        return render_card(message, catalog_url=catalog_url)
    if isinstance(message, ThreadReply):
        return render_reply(message)
    return render_digest(message)


def _value(text: str | None, limit: int = VALUE_CHARS) -> str:
    return escape(truncate(one_line(text or ""), limit))


def status_text(status: RunStatus, raw_status: str | None = None) -> str:
    """``:white_check_mark: done`` (an unknown status shows the source's word)."""
    words = STATUS_WORDS[status]
    if status is RunStatus.UNKNOWN and raw_status:
        words = f"unknown ({_value(raw_status, 60)})"
    return f"{STATUS_EMOJI[status]} {words}"


def _component_text(card: RunCard, catalog_url: str | None) -> str | None:
    if card.component is None:
        return None
    shown = _value(card.component, 100)
    if card.component_ref and catalog_url:
        kind, _, rest = card.component_ref.partition(":")
        namespace, _, name = rest.partition("/")
        url = safe_url(f"{catalog_url.rstrip('/')}/catalog/{namespace}/{kind}/{name}".lower())
        if url is not None:
            return link(url, card.component)
    return shown


def render_card(card: RunCard, *, catalog_url: str | None = None) -> SlackMessage:
    """The run's one message: status headline, facts, the statuses it went through, links."""
    kind = KIND_WORDS.get(card.kind, "Run")
    headline = f"{STATUS_EMOJI[card.status]} *{kind}* {_value(card.title, 150)}"
    if card.environment and card.environment != card.title:
        headline += f" \u2192 *{_value(card.environment, 60)}*"
    headline += f": *{STATUS_WORDS[card.status]}*"
    if card.plan is not None:
        headline += f"  `{card.plan.short()}`"
    facts: list[str] = []
    component = _component_text(card, catalog_url)
    if component:
        facts.append(f"*Component*\n{component}")
    if card.environment:
        facts.append(f"*Environment*\n{_value(card.environment, 100)}")
    facts.append(f"*Status*\n{status_text(card.status, card.raw_status)}")
    if card.plan is not None:
        facts.append(f"*Plan*\n`{card.plan.short()}`")
    if card.actor:
        facts.append(f"*Triggered by*\n{_value(card.actor, 100)}")
    if card.commit_short:
        commit = f"`{_value(card.commit_short, 12)}`"
        if card.commit_message:
            commit += f" {_value(card.commit_message, 150)}"
        facts.append(f"*Commit*\n{commit}")
    blocks: list[Block] = [section(headline), fields_section(facts[:10])]
    steps = [STATUS_WORDS[s.status] for s in card.history[-12:]]
    trail = " \u2192 ".join(steps) if steps else STATUS_WORDS[card.status]
    notes = [trail]
    if card.updated_at is not None:
        notes.append(f"updated {date_token(card.updated_at)}")
    notes.append(f"{_value(card.source, 40)} run {_value(card.run_id, 80)}")
    blocks.append(context(" \u00b7 ".join(notes)))
    if card.note:
        blocks.append(context(f":information_source: {_value(card.note, 500)}"))
    buttons: list[dict[str, Any]] = []
    for index, item in enumerate(card.links):
        url = safe_url(item.url)
        if url is not None and len(buttons) < MAX_LINKS:
            buttons.append(button(one_line(item.label) or "Open", f"{OPEN_LINK}_{index}", url=url))
    tail = [actions(buttons, block_id="run_links")] if buttons else []
    return SlackMessage(
        text=fallback_text(escape_specials(card.text)), blocks=fit_blocks(blocks, tail=tail)
    )


def _preformatted(body: str) -> str:
    text = escape_specials(body.replace("```", "'''"))
    return "```" + truncate(text, BODY_CHARS - 6) + "```"


def render_reply(reply: ThreadReply) -> SlackMessage:
    """A reply in a run's thread: the plan, a failure with who is on call, an odd status."""
    title = _value(reply.title, 150)
    if reply.kind is ReplyKind.PLAN:
        head = f":clipboard: *Plan* for {title}"
    elif reply.kind is ReplyKind.UNKNOWN_STATUS:
        head = (
            f":grey_question: {title}: the source reported status "
            f"`{_value(reply.raw_status, 60)}`, which Callboard does not know; the run's "
            "status is left as it was."
        )
    elif reply.kind is ReplyKind.FAILURE:
        head = f"{STATUS_EMOJI[reply.status]} {title} *{STATUS_WORDS[reply.status]}*"
    else:
        head = f"{STATUS_EMOJI[reply.status]} {title}: {STATUS_WORDS[reply.status]}"
    blocks: list[Block] = [section(head)]
    if reply.body.strip() and reply.formatted:
        blocks.append(section(truncate(reply.body, BODY_CHARS)))
    elif reply.body.strip():
        blocks.append(section(_preformatted(reply.body)))
    if reply.oncall_asked:
        people = [m for m in (mention(uid) for uid in reply.mention_user_ids) if m]
        if people:
            blocks.append(section(":rotating_light: On call now: " + ", ".join(people[:10])))
        else:
            blocks.append(context("Nobody on call could be found for this component."))
    return SlackMessage(text=fallback_text(escape_specials(reply.text)), blocks=fit_blocks(blocks))


def _entry_line(entry: DigestEntry) -> str:
    words = f"{STATUS_EMOJI[entry.status]} {_value(entry.title, 100)}"
    if entry.environment and entry.environment != entry.title:
        words += f" \u2192 {_value(entry.environment, 40)}"
    if entry.plan is not None:
        words += f" `{entry.plan.short()}`"
    url = safe_url(entry.url)
    if url is not None:
        words += f" ({link(url, 'run')})"
    return words + f" \u00b7 {date_token(entry.at, format='{date_short} {time}')}"


def _digest_section(title: str, entries: Sequence[DigestEntry]) -> list[Block]:
    if not entries:
        return []
    lines = [_entry_line(e) for e in entries]
    return [section(f"*{title}* ({len(entries)})\n" + lines_within(lines, DIGEST_LINES))]


def render_digest(digest: Digest) -> SlackMessage:
    """The daily summary: what was deployed, what failed, what is drifting."""
    span = f"{date_token(digest.period_start)} \u2013 {date_token(digest.period_end)}"
    blocks: list[Block] = [header("Daily run digest"), context(span)]
    if digest.empty:
        blocks.append(section("Nothing was deployed, nothing failed and nothing drifts."))
    blocks += _digest_section("Deployed", digest.deployed)
    blocks += _digest_section("Failed", digest.failed)
    blocks += _digest_section("Drifting", digest.drifting)
    return SlackMessage(text=fallback_text(digest.text), blocks=fit_blocks(blocks))


def message_metadata(key: str) -> dict[str, Any]:
    """Slack message metadata carrying the outbox key, for finding a post again."""
    return {"event_type": "callboard_notification", "event_payload": {"key": key}}
