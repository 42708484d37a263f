"""Routing what a person typed to a command: ``VERB ARGS`` in, a plain reply out.

The same router serves the umbrella command (``/idp whois payments``), per-verb commands
(``/whois payments``) and the command line. Replies are plain values; the Slack surface
renders them as Block Kit. A verb that is almost right is answered with "did you mean",
and text that starts with no verb at all is taken as a ``whois`` question. Help is made
from the verbs' own docstrings.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from commands.errors import CommandError
from commands.find import FindAnswer, find
from commands.notifications import NotificationsReply, notifications
from commands.oncall import OnCallReply, oncall
from commands.owner import OwnerReply, owner
from commands.services import Discovery
from commands.targets import MAX_QUERY_CHARS
from commands.whois import WhoisAnswer, whois

log = logging.getLogger(__name__)

DID_YOU_MEAN_SCORE = 70
"""How close (0-100) an unknown first word must be to a verb to be taken as a typo."""
MAX_TEXT_CHARS = 4_000


@dataclass(frozen=True, slots=True)
class Invocation:
    """A command as typed, with who typed it and where.

    Attributes:
        text: What follows the command, e.g. ``whois payments`` after ``/idp``.
        verb: The verb when the command itself names it (``/whois``); None for the
            umbrella command, whose first word is the verb.
        user_email: The email of the person asking, when known (``owner`` uses it).
        user_id: The person's id on the chat platform.
        channel_id: Where the command was typed.
        offset: Results to skip (paging through ``find``).
    """

    text: str
    verb: str | None = None
    user_email: str | None = None
    user_id: str | None = None
    channel_id: str | None = None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class VerbHelp:
    """One verb in the help: its name, usage line, one-line summary and details."""

    name: str
    usage: str
    summary: str
    details: str


@dataclass(frozen=True, slots=True)
class HelpReply:
    """The help: every verb, or one verb when asked ``help VERB``."""

    root: str
    verbs: tuple[VerbHelp, ...]


@dataclass(frozen=True, slots=True)
class ErrorReply:
    """A question that could not be answered, with what to try instead.

    Attributes:
        message: For the person; never a traceback.
        did_you_mean: A corrected command line, e.g. ``whois payments``.
        suggestions: Entities the person may have meant.
    """

    message: str
    did_you_mean: str | None = None
    suggestions: tuple[str, ...] = ()


Reply = (
    WhoisAnswer
    | FindAnswer
    | OnCallReply
    | OwnerReply
    | NotificationsReply
    | HelpReply
    | ErrorReply
)
Handler = Callable[[Discovery, Invocation, str], Reply]


def _whois(discovery: Discovery, invocation: Invocation, args: str) -> Reply:
    """Show an entity with its owner team, the team's channel and who is on call now.

    Usage: whois NAME-OR-WORDS
    Typos, partial words, titles and aliases work: `whois payment srvice`, `whois pmts`.
    """
    return whois(discovery, args)


def _find(discovery: Discovery, invocation: Invocation, args: str) -> Reply:
    """Search the catalog; filters narrow it down.

    Usage: find WORDS [kind:api] [owner:TEAM] [tag:TAG] [system:NAME] [lifecycle:STAGE]
    Example: `find kind:api checkout`.
    """
    return find(discovery, args, offset=invocation.offset)


def _oncall(discovery: Discovery, invocation: Invocation, args: str) -> Reply:
    """Who is on call now and next for a team, or for the team that owns something.

    Usage: oncall TEAM-OR-ENTITY
    Example: `oncall payments-team`, `oncall checkout-web`.
    """
    return oncall(discovery, args)


def _owner(discovery: Discovery, invocation: Invocation, args: str) -> Reply:
    """Who owns something; alone, which teams you are on and what they own.

    Usage: owner [NAME-OR-WORDS]
    Example: `owner ledger-service`, or just `owner`.
    """
    return owner(discovery, args, user_email=invocation.user_email)


def _notifications(discovery: Discovery, invocation: Invocation, args: str) -> Reply:
    """Check run-notification routing, and list what did not reach Slack.

    Usage: notifications [check | failed | retry ID]
    `check` tests every routed channel; `failed` lists dead letters; `retry ID` sends one again.
    """
    return notifications(discovery.notifications, args)


VERBS: dict[str, Handler] = {
    "whois": _whois,
    "find": _find,
    "oncall": _oncall,
    "owner": _owner,
    "notifications": _notifications,
}
ALIASES = {
    "who": "whois",
    "search": "find",
    "on-call": "oncall",
    "owns": "owner",
    "notify": "notifications",
}


def verb_help(name: str, handler: Callable[..., object]) -> VerbHelp:
    """The help of a verb, from its handler's docstring."""
    lines = (inspect.getdoc(handler) or "").splitlines()
    summary = lines[0] if lines else ""
    usage = next((line.removeprefix("Usage: ") for line in lines if line.startswith("Usage:")), "")
    details = " ".join(line for line in lines[1:] if line and not line.startswith("Usage:"))
    return VerbHelp(name=name, usage=usage or name, summary=summary, details=details)


class CommandRouter:
    """Answers invocations; never raises for anything a person can type."""

    def __init__(self, discovery: Discovery, *, root: str = "/idp") -> None:
        """Route to ``discovery``; ``root`` is the umbrella command's name, for help texts."""
        self.discovery = discovery
        self.root = root

    def help(self, topic: str | None = None) -> HelpReply:
        """The help of every verb, or of ``topic`` alone when it names one.

        ``help`` itself is documented here: ``help [VERB]`` lists what Callboard answers.
        """
        name = ALIASES.get(topic or "", topic or "")
        if name in VERBS:
            return HelpReply(self.root, (verb_help(name, VERBS[name]),))
        helps = [verb_help(n, h) for n, h in VERBS.items()]
        helps.append(VerbHelp("help", "help [VERB]", "What Callboard answers, and how.", ""))
        return HelpReply(self.root, tuple(helps))

    def handle(self, invocation: Invocation) -> Reply:
        """Answer one invocation.

        Returns:
            The reply; an :class:`ErrorReply` for bad input, unknown verbs and failures.
        """
        text = " ".join(invocation.text[:MAX_TEXT_CHARS].split())
        verb = invocation.verb
        if verb is None:
            first, _, rest = text.partition(" ")
            verb, args = first.lower(), rest
        else:
            args = text
        verb = ALIASES.get(verb, verb)
        if verb in ("", "help"):
            return self.help(args.split(" ")[0].lower() or None)
        handler = VERBS.get(verb)
        if handler is None:
            guess = process.extractOne(verb, [*VERBS, "help"], scorer=fuzz.ratio)
            if guess is not None and guess[1] >= DID_YOU_MEAN_SCORE:
                corrected = f"{guess[0]} {args}".strip()
                return ErrorReply(
                    f"I don't know `{verb[:40]}`. Did you mean `{self.root} {corrected}`?",
                    did_you_mean=corrected,
                )
            handler, args = _whois, text
        try:
            return handler(self.discovery, invocation, args[:MAX_QUERY_CHARS])
        except CommandError as exc:
            return ErrorReply(exc.message, suggestions=exc.suggestions)
        except Exception:
            log.exception("command %s failed", verb)
            return ErrorReply(
                "Something went wrong while answering; it has been logged. Try again in a moment."
            )
