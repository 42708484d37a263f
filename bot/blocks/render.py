"""Any command reply as a Slack message."""

from __future__ import annotations

from bot.blocks.errors import render_error
from bot.blocks.find import render_find
from bot.blocks.help import render_help
from bot.blocks.message import SlackMessage
from bot.blocks.notifications import render_check, render_failed
from bot.blocks.oncall import render_oncall
from bot.blocks.owner import render_owner
from bot.blocks.whois import render_whois
from commands.dispatch import ALIASES, VERBS, ErrorReply, HelpReply, Reply
from commands.find import FindAnswer
from commands.notifications import NotificationsCheck, NotificationsFailed
from commands.oncall import OnCallReply
from commands.owner import OwnerReply
from commands.whois import WhoisAnswer


def reply_command(reply: Reply) -> str:
    """The command line that answers ``reply`` again: ``whois component:default/x``."""
    if isinstance(reply, WhoisAnswer):
        return f"whois {reply.entity.ref}"
    if isinstance(reply, FindAnswer):
        return f"find {reply.query}"
    if isinstance(reply, OnCallReply):
        return f"oncall {reply.entity.ref}"
    if isinstance(reply, OwnerReply):
        return f"owner {reply.entity.ref}" if reply.entity is not None else "owner"
    if isinstance(reply, HelpReply):
        return f"help {reply.verbs[0].name}" if len(reply.verbs) == 1 else "help"
    if isinstance(reply, NotificationsCheck):
        return "notifications check"
    if isinstance(reply, NotificationsFailed):
        return "notifications failed"
    return "help"


def command_verb(command_text: str) -> str:
    """The verb a command line starts with, ``whois`` when it names none."""
    first = command_text.split(" ", 1)[0].lower() if command_text.strip() else ""
    verb = ALIASES.get(first, first)
    return verb if verb in VERBS else "whois"


def render_reply(
    reply: Reply, *, root: str = "/idp", command_text: str = "", shareable: bool = True
) -> SlackMessage:
    """A command's reply as Block Kit, within Slack's limits for a message.

    Args:
        reply: What :meth:`commands.dispatch.CommandRouter.handle` answered.
        root: The umbrella slash command, for help texts and "did you mean".
        command_text: The command line as typed after the slash command
            (``whois payments``); the "Share in channel" button runs it again (the
            reply's own command when empty), and suggestions after an error keep its verb.
        shareable: Whether to add "Share in channel" (for ephemeral answers; errors never
            get one).

    Returns:
        The fallback text and the blocks.
    """
    command = " ".join(command_text.split()) or reply_command(reply)
    share = command if shareable else None
    if isinstance(reply, WhoisAnswer):
        return render_whois(reply, share=share)
    if isinstance(reply, FindAnswer):
        return render_find(reply, share=share)
    if isinstance(reply, OnCallReply):
        return render_oncall(reply, share=share)
    if isinstance(reply, OwnerReply):
        return render_owner(reply, share=share)
    if isinstance(reply, HelpReply):
        return render_help(reply, share=share)
    if isinstance(reply, NotificationsCheck):
        return render_check(reply, share=share)
    if isinstance(reply, NotificationsFailed):
        return render_failed(reply, share=share)
    if isinstance(reply, ErrorReply):
        return render_error(reply, root=root, verb=command_verb(command_text))
    raise TypeError(f"not a command reply: {type(reply).__name__}")
