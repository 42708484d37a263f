"""``help``: every verb with its usage and what it answers."""

from __future__ import annotations

from bot.blocks.actions import RUN_COMMAND, numbered, run_command_button
from bot.blocks.compose import compose
from bot.blocks.elements import Block, actions, context, header, section
from bot.blocks.escaping import escape_specials, one_line
from bot.blocks.message import SlackMessage
from bot.blocks.truncation import truncate
from commands.dispatch import HelpReply, VerbHelp

HELP_BUTTONS = 5


def verb_text(root: str, verb: VerbHelp) -> str:
    """``*/idp whois NAME*`` then the summary and details."""
    usage = escape_specials(one_line(f"{root} {verb.usage}"))
    lines = [f"*`{usage}`*", escape_specials(verb.summary)]
    if verb.details:
        lines.append(escape_specials(verb.details))
    return truncate("\n".join(lines), 2500)


def render_help(reply: HelpReply, *, share: str | None) -> SlackMessage:
    """The help as a message."""
    root = one_line(reply.root) or "/idp"
    body: list[Block] = [header("What Callboard answers")]
    body += [section(verb_text(root, verb)) for verb in reply.verbs]
    body.append(context(escape_specials(f"Type `{root} help VERB` for one verb.")))
    ids = numbered(RUN_COMMAND)
    buttons = [
        run_command_button(f"help {verb.name}", f"help {verb.name}", action_id=next(ids))
        for verb in reply.verbs
        if verb.name != "help"
    ][:HELP_BUTTONS]
    tail = [actions(buttons)] if buttons and len(reply.verbs) > 1 else []
    names = ", ".join(verb.name for verb in reply.verbs)
    text = truncate(escape_specials(f"{root}: {names}"), 500)
    return compose(text, body, tail=tail, share=share)
