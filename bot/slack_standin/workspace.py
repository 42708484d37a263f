"""The stand-in's workspace: the team, the bot, people and channels.

``Workspace.default()`` is Acme from ``examples/catalog``: alice, bob, carol, dan and erin
(``@acme.example``), the team channels ``#payments`` (``C0PAYMENTS``), ``#checkout``
(``C0CHECKOUT``) and ``#platform`` (``C0PLATFORM``) with the bot in them, ``#general`` without
the bot, and two private channels, ``#oncall`` with the bot and ``#eng-leads`` without.
``Workspace.from_config`` reads the same shape from a small mapping (see its docstring).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_BOT_TOKEN = "xoxb-standin-0000000000-callboard"
DEFAULT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:join",
    "channels:read",
    "chat:write",
    "commands",
    "groups:history",
    "groups:read",
    "im:history",
    "im:read",
    "im:write",
    "links:read",
    "links:write",
    "users:read",
    "users:read.email",
)
CREATED = 1_704_067_200  # 2024-01-01T00:00:00Z


@dataclass
class User:
    """A member of the workspace (or the bot's own user)."""

    id: str
    name: str
    real_name: str
    email: str | None = None
    display_name: str = ""
    tz: str = "Europe/Berlin"
    is_bot: bool = False
    is_admin: bool = False
    deleted: bool = False
    bot_id: str | None = None

    def shown_name(self) -> str:
        """How Slack shows the person: display name, else real name."""
        return self.display_name or self.real_name or self.name

    def to_slack(self, team_id: str) -> dict[str, Any]:
        """The ``user`` object of ``users.info``."""
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "display_name": self.display_name,
            "real_name_normalized": self.real_name,
            "display_name_normalized": self.display_name,
            "first_name": self.real_name.split(" ")[0] if self.real_name else "",
            "last_name": " ".join(self.real_name.split(" ")[1:]),
            "status_text": "",
            "status_emoji": "",
            "avatar_hash": "g" + self.id.lower()[-10:],
            "image_24": f"https://avatars.acme.example/{self.id}_24.png",
            "image_72": f"https://avatars.acme.example/{self.id}_72.png",
            "team": team_id,
        }
        if self.email is not None:
            profile["email"] = self.email
        if self.bot_id is not None:
            profile["bot_id"] = self.bot_id
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "color": "9f69e7",
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": 0,
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": CREATED,
            "has_2fa": False,
        }


@dataclass
class Channel:
    """A conversation: a public or private channel, or a direct message with the bot."""

    id: str
    name: str
    is_private: bool = False
    members: set[str] = field(default_factory=set)
    is_im: bool = False
    is_archived: bool = False
    topic: str = ""
    purpose: str = ""

    def to_slack(self, team_id: str, bot_user_id: str) -> dict[str, Any]:
        """The ``channel`` object of ``conversations.info``."""
        if self.is_im:
            other = next((m for m in sorted(self.members) if m != bot_user_id), "")
            return {
                "id": self.id,
                "created": CREATED,
                "is_im": True,
                "is_org_shared": False,
                "user": other,
                "is_user_deleted": False,
                "priority": 0,
            }
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "created": CREATED,
            "is_archived": self.is_archived,
            "is_general": self.name == "general",
            "unlinked": 0,
            "name_normalized": self.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "context_team_id": team_id,
            "updated": CREATED * 1000,
            "creator": "",
            "is_ext_shared": False,
            "shared_team_ids": [team_id],
            "pending_connected_team_ids": [],
            "is_member": bot_user_id in self.members,
            "topic": {"value": self.topic, "creator": "", "last_set": 0},
            "purpose": {"value": self.purpose, "creator": "", "last_set": 0},
            "previous_names": [],
        }


@dataclass
class Workspace:
    """The team, its bot (token, scopes, ids), its people and its channels."""

    team_id: str = "T0ACME"
    team_name: str = "Acme Payments"
    team_domain: str = "acme"
    app_id: str = "A0CALLBOARD"
    bot_user_id: str = "U0CALLBOARD"
    bot_id: str = "B0CALLBOARD"
    bot_name: str = "callboard"
    bot_token: str = DEFAULT_BOT_TOKEN
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    verification_token: str = "standin-verification-token"
    unfurl_domains: tuple[str, ...] = ("acme.example",)
    users: dict[str, User] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.bot_user_id not in self.users:
            self.users[self.bot_user_id] = User(
                id=self.bot_user_id,
                name=self.bot_name,
                real_name=self.bot_name.capitalize(),
                display_name=self.bot_name,
                is_bot=True,
                bot_id=self.bot_id,
            )

    @property
    def url(self) -> str:
        """The workspace URL ``auth.test`` answers."""
        return f"https://{self.team_domain}.slack.com/"

    def people(self) -> list[User]:
        """The human members, by id."""
        return sorted((u for u in self.users.values() if not u.is_bot), key=lambda u: u.id)

    def user(self, user_id: str) -> User:
        """A member by id.

        Raises:
            KeyError: no such member.
        """
        return self.users[user_id]

    def user_by_name(self, name: str) -> User | None:
        """A member by handle (``alice``) or id."""
        if name in self.users:
            return self.users[name]
        return next((u for u in self.users.values() if u.name == name.lstrip("@")), None)

    def user_by_email(self, email: str) -> User | None:
        """A member by email, case-insensitively, as ``users.lookupByEmail``."""
        wanted = email.strip().lower()
        return next((u for u in self.users.values() if u.email and u.email.lower() == wanted), None)

    def channel(self, ref: str) -> Channel | None:
        """A channel by id, ``#name`` or name; a person's id gives the DM with the bot."""
        if ref in self.channels:
            return self.channels[ref]
        if ref in self.users and not self.users[ref].is_bot:
            return self.dm_with(ref)
        person = self.users.get("U" + ref[1:]) if ref.startswith("D") else None
        if person is not None and not person.is_bot:
            return self.dm_with(person.id)
        name = ref.lstrip("#")
        return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def dm_with(self, user_id: str) -> Channel:
        """The direct-message conversation between a person and the bot (created on demand)."""
        channel_id = "D" + user_id[1:]
        if channel_id not in self.channels:
            self.channels[channel_id] = Channel(
                id=channel_id,
                name=channel_id,
                is_private=True,
                is_im=True,
                members={user_id, self.bot_user_id},
            )
        return self.channels[channel_id]

    @classmethod
    def default(cls) -> Workspace:
        """Acme, matching ``examples/catalog`` (people, team channels)."""
        return cls.from_config(DEFAULT_CONFIG)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Workspace:
        """A workspace from a small mapping (e.g. parsed YAML).

        Shape::

            team: {id: T0ACME, name: Acme Payments, domain: acme}
            bot: {user_id: U0CALLBOARD, bot_id: B0CALLBOARD, app_id: A0CALLBOARD,
                  name: callboard, token: xoxb-…, scopes: [chat:write, …]}
            users: [{id: U0ALICE, name: alice, real_name: Alice Moreau,
                     email: alice@acme.example, tz: Europe/Paris}]
            channels: [{id: C0PAYMENTS, name: payments, private: false,
                        members: [alice, bob], bot_member: true}]
            unfurl_domains: [acme.example]

        Members may be given by handle or id. Every key is optional.
        """
        team = dict(config.get("team") or {})
        bot = dict(config.get("bot") or {})
        users: dict[str, User] = {}
        for raw in config.get("users") or []:
            user = User(
                id=str(raw["id"]),
                name=str(raw["name"]),
                real_name=str(raw.get("real_name") or raw["name"]),
                email=raw.get("email"),
                display_name=str(raw.get("display_name") or ""),
                tz=str(raw.get("tz") or "Europe/Berlin"),
                is_admin=bool(raw.get("is_admin", False)),
            )
            users[user.id] = user
        workspace = cls(
            team_id=str(team.get("id", "T0ACME")),
            team_name=str(team.get("name", "Acme Payments")),
            team_domain=str(team.get("domain", "acme")),
            app_id=str(bot.get("app_id", "A0CALLBOARD")),
            bot_user_id=str(bot.get("user_id", "U0CALLBOARD")),
            bot_id=str(bot.get("bot_id", "B0CALLBOARD")),
            bot_name=str(bot.get("name", "callboard")),
            bot_token=str(bot.get("token", DEFAULT_BOT_TOKEN)),
            scopes=tuple(bot.get("scopes", DEFAULT_SCOPES)),
            verification_token=str(bot.get("verification_token", "standin-verification-token")),
            unfurl_domains=tuple(config.get("unfurl_domains", ("acme.example",))),
            users=users,
        )
        for raw in config.get("channels") or []:
            members = set(_member_ids(workspace, raw.get("members") or []))
            if raw.get("bot_member", False):
                members.add(workspace.bot_user_id)
            channel = Channel(
                id=str(raw["id"]),
                name=str(raw["name"]),
                is_private=bool(raw.get("private", False)),
                members=members,
                topic=str(raw.get("topic", "")),
                purpose=str(raw.get("purpose", "")),
            )
            workspace.channels[channel.id] = channel
        return workspace


def _member_ids(workspace: Workspace, refs: Iterable[str]) -> Iterable[str]:
    for ref in refs:
        if ref == "*":
            yield from (u.id for u in workspace.people())
            continue
        user = workspace.user_by_name(str(ref))
        if user is None:
            raise ValueError(f"channel member {ref!r} is not a user of the workspace")
        yield user.id


DEFAULT_CONFIG: dict[str, Any] = {
    "team": {"id": "T0ACME", "name": "Acme Payments", "domain": "acme"},
    "users": [
        {
            "id": "U0ALICE",
            "name": "alice",
            "real_name": "Alice Moreau",
            "display_name": "alice",
            "email": "alice@acme.example",
            "tz": "Europe/Paris",
        },
        {
            "id": "U0BOB",
            "name": "bob",
            "real_name": "Bob Okafor",
            "display_name": "bob",
            "email": "bob@acme.example",
            "tz": "Europe/London",
        },
        {
            "id": "U0CAROL",
            "name": "carol",
            "real_name": "Carol Tan",
            "display_name": "carol",
            "email": "carol@acme.example",
            "tz": "Europe/Berlin",
        },
        {
            "id": "U0DAN",
            "name": "dan",
            "real_name": "Dan Kowalski",
            "display_name": "dan",
            "email": "dan@acme.example",
            "tz": "Europe/Berlin",
        },
        {
            "id": "U0ERIN",
            "name": "erin",
            "real_name": "Erin Lindqvist",
            "display_name": "erin",
            "email": "erin@acme.example",
            "tz": "America/New_York",
            "is_admin": True,
        },
    ],
    "channels": [
        {"id": "C0GENERAL", "name": "general", "members": ["*"], "bot_member": False},
        {
            "id": "C0PAYMENTS",
            "name": "payments",
            "members": ["alice", "bob"],
            "bot_member": True,
            "purpose": "Card processing, refunds and the ledger.",
        },
        {
            "id": "C0CHECKOUT",
            "name": "checkout",
            "members": ["carol", "dan"],
            "bot_member": True,
            "purpose": "The cart, checkout flow and order service.",
        },
        {
            "id": "C0PLATFORM",
            "name": "platform",
            "members": ["erin"],
            "bot_member": True,
            "purpose": "Kubernetes, CI, the developer platform itself.",
        },
        {
            "id": "C0ONCALL",
            "name": "oncall",
            "private": True,
            "members": ["alice", "carol", "erin"],
            "bot_member": True,
        },
        {
            "id": "C0LEADS",
            "name": "eng-leads",
            "private": True,
            "members": ["alice", "carol", "erin"],
            "bot_member": False,
        },
    ],
}
