"""The Slack app's settings as plain values, read once from ``Settings.slack``."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.settings import SlackSettings

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
EVENTS_PATH = "/slack/events"
DEFAULT_API_TIMEOUT = 10.0
"""Seconds a Web API call or a ``response_url`` post may take before it is retried."""


@dataclass(frozen=True)
class SlackConfig:
    """What the Slack app needs; secrets stay out of ``repr``.

    Attributes:
        signing_secret: Verifies Slack's requests (HTTP mode).
        bot_token: The token of a single workspace; None with OAuth installs.
        app_token: Socket Mode's app-level token (``xapp-…``); None for HTTP.
        api_url: The Web API's base URL, ending in ``/``.
        command: The umbrella slash command (``/idp``).
        verb_commands: Slash commands named after a verb (``/whois``).
        client_id: The app's OAuth client id (multi-workspace installs).
        client_secret: The app's OAuth client secret.
        scopes: The bot scopes asked for at install.
        catalog_url: The base URL of catalog pages whose links are unfurled.
        api_timeout: Seconds a Slack call may take.
    """

    signing_secret: str | None = field(default=None, repr=False)
    bot_token: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    api_url: str = "https://slack.com/api/"
    command: str = "/idp"
    verb_commands: tuple[str, ...] = ()
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    scopes: tuple[str, ...] = ()
    catalog_url: str | None = None
    api_timeout: float = DEFAULT_API_TIMEOUT

    @property
    def oauth(self) -> bool:
        """Whether workspaces install the app through OAuth (else one bot token)."""
        return self.client_id is not None and self.client_secret is not None

    @property
    def socket_mode(self) -> bool:
        """Whether the app connects through Socket Mode."""
        return self.app_token is not None

    @property
    def http(self) -> bool:
        """Whether Slack's requests come over HTTP (a signing secret is set)."""
        return self.signing_secret is not None

    @classmethod
    def from_settings(cls, slack: SlackSettings) -> SlackConfig:
        """The plain values of ``slack:``."""

        def reveal(value: object) -> str | None:
            secret = getattr(value, "get_secret_value", None)
            return None if secret is None else str(secret())

        return cls(
            signing_secret=reveal(slack.signing_secret),
            bot_token=reveal(slack.bot_token),
            app_token=reveal(slack.app_token),
            api_url=slack.api_url,
            command=slack.command,
            verb_commands=tuple(slack.verb_commands),
            client_id=slack.client_id,
            client_secret=reveal(slack.client_secret),
            scopes=tuple(slack.scopes),
            catalog_url=slack.catalog_url,
            api_timeout=slack.api_timeout_seconds,
        )
