"""Callboard's settings: ``callboard.yaml`` first, then ``CALLBOARD_…`` environment variables.

Every key of the file can be overridden from the environment with ``CALLBOARD_`` and ``__``
between levels: ``CALLBOARD_DATABASE__URL``, ``CALLBOARD_SERVER__PORT``,
``CALLBOARD_CATALOG__LOCATIONS='[{"type": "file", "target": "./all.yaml"}]'``.
``DATABASE_URL`` is honoured as well when ``CALLBOARD_DATABASE__URL`` is not set, and so are
``CALLBOARD_SLACK_API_URL`` (for ``CALLBOARD_SLACK__API_URL``) and Slack's usual
``SLACK_BOT_TOKEN``, ``SLACK_SIGNING_SECRET``, ``SLACK_APP_TOKEN``, ``SLACK_CLIENT_ID`` and
``SLACK_CLIENT_SECRET`` (for the ``CALLBOARD_SLACK__…`` variables).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel, to_snake
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from bot.config_file import read_config_file
from catalog_store.db.engine import normalise_database_url
from catalog_store.ingest.config import DEFAULT_READING_HOSTS, IngestConfig, LocationSpec
from catalog_store.oncall.config import OnCallConfig


class _Section(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=True, validate_by_alias=True, extra="forbid"
    )


class ServerSettings(_Section):
    """Where the HTTP server listens."""

    host: str = "127.0.0.1"
    port: int = Field(default=7007, ge=0, le=65535)
    base_url: str | None = None
    workers: int = Field(default=1, ge=1, le=64)


class DatabaseSettings(_Section):
    """The database; SQLite file by default, ``postgresql+psycopg://…`` in production."""

    url: str = "sqlite:///.callboard/callboard.db"

    @field_validator("url")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return normalise_database_url(value)


class RuleSettings(_Section):
    """Backstage's ``{allow: [Kind, …]}``."""

    allow: list[str]


class LocationSettings(_Section):
    """Backstage's ``{type, target}`` (``file``, ``url``) or a ``git`` repository."""

    type: str
    target: str
    rules: list[RuleSettings] | None = None
    branch: str | None = None
    catalog_path: str | None = None


class ReadingHost(_Section):
    """A host URL locations and placeholders may read from."""

    host: str


class CatalogSettings(_Section):
    """``catalog:`` as in Backstage's app-config, plus refresh and orphan timing."""

    locations: list[LocationSettings] = Field(default_factory=list)
    rules: list[RuleSettings] | None = None
    refresh_interval_seconds: float = Field(default=300, gt=0)
    orphan_grace_seconds: float = Field(default=86_400, ge=0)
    max_file_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    git_cache_dir: str = ".callboard/git"
    allowed_file_roots: list[str] = Field(default_factory=list)
    reading: list[ReadingHost] = Field(
        default_factory=lambda: [ReadingHost(host=h) for h in DEFAULT_READING_HOSTS]
    )


class AuthSettings(_Section):
    """Bearer tokens accepted by the HTTP API; none means the API is open."""

    api_tokens: list[SecretStr] = Field(default_factory=list)


class PagerDutySettings(_Section):
    """PagerDuty's REST API (v2): a REST API key and the API's address."""

    token: SecretStr | None = None
    url: str = "https://api.pagerduty.com"


class OpsgenieSettings(_Section):
    """Opsgenie's API: an API integration key and the API's address."""

    api_key: SecretStr | None = None
    url: str = "https://api.opsgenie.com"


class OnCallSettings(_Section):
    """``oncall:``: paging providers, timeouts and how long their answers are reused."""

    pagerduty: PagerDutySettings = Field(default_factory=PagerDutySettings)
    opsgenie: OpsgenieSettings = Field(default_factory=OpsgenieSettings)
    timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    cache_seconds: float = Field(default=60.0, ge=0)


class SearchSettings(_Section):
    """``search:``: how often the discovery index looks for catalog changes."""

    refresh_seconds: float = Field(default=2.0, ge=0)


DEFAULT_SLACK_SCOPES = (
    "app_mentions:read",
    "chat:write",
    "commands",
    "im:write",
    "links:read",
    "links:write",
    "users:read",
    "users:read.email",
)
_SLASH_COMMAND = re.compile(r"^/[a-z0-9_.-]{1,31}$")


def default_answer_processes() -> int:
    """Processes that work out command answers: one beside the server when the machine has
    a second core, none (answers on threads of the server) on a single core."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return 1 if cores > 1 else 0


class SlackSettings(_Section):
    """``slack:``: the Slack app's credentials, its commands and where its API is.

    A single workspace needs ``botToken``; several workspaces install the app through
    Slack's OAuth flow with ``clientId``/``clientSecret`` (installations are kept in the
    database). Requests are verified with ``signingSecret``; with ``appToken`` the app
    connects through Socket Mode instead of receiving HTTP requests.
    """

    bot_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    app_token: SecretStr | None = None
    api_url: str = "https://slack.com/api/"
    command: str = "/idp"
    verb_commands: list[str] = Field(default_factory=list)
    client_id: str | None = None
    client_secret: SecretStr | None = None
    scopes: list[str] = Field(default_factory=lambda: list(DEFAULT_SLACK_SCOPES))
    catalog_url: str | None = None
    api_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    answer_processes: int = Field(default_factory=lambda: default_answer_processes(), ge=0, le=8)

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("client_id", mode="before")
    @classmethod
    def _client_id(cls, value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError('must be text: quote it in YAML, clientId: "1234567890.1234567890"')
        return value

    @field_validator("catalog_url")
    @classmethod
    def _catalog_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://backstage.example.com")
        return value.strip().rstrip("/")

    @field_validator("command")
    @classmethod
    def _command(cls, value: str) -> str:
        if not _SLASH_COMMAND.match(value):
            raise ValueError(f"{value!r} is not a slash command such as /idp")
        return value

    @field_validator("verb_commands")
    @classmethod
    def _verb_commands(cls, value: list[str]) -> list[str]:
        from commands.dispatch import ALIASES, VERBS

        for command in value:
            if not _SLASH_COMMAND.match(command):
                raise ValueError(f"{command!r} is not a slash command such as /whois")
            verb = command[1:]
            if ALIASES.get(verb, verb) not in (*VERBS, "help"):
                known = ", ".join("/" + v for v in (*VERBS, "help"))
                raise ValueError(f"{command} names no verb; use one of {known}")
        return value

    @model_validator(mode="after")
    def _complete(self) -> SlackSettings:
        oauth = self.client_id is not None or self.client_secret is not None
        if oauth and (self.client_id is None or self.client_secret is None):
            raise ValueError("OAuth installs need both clientId and clientSecret")
        if (self.bot_token is not None or oauth) and (
            self.signing_secret is None and self.app_token is None
        ):
            raise ValueError("Slack needs signingSecret (HTTP requests) or appToken (Socket Mode)")
        if oauth and self.signing_secret is None:
            raise ValueError("OAuth installs need signingSecret")
        if (self.signing_secret is not None or self.app_token is not None) and not (
            self.bot_token is not None or oauth
        ):
            raise ValueError("Slack needs botToken, or clientId and clientSecret for OAuth")
        if self.command in self.verb_commands:
            raise ValueError(f"{self.command} is both the command and a verb command")
        return self

    @property
    def enabled(self) -> bool:
        """Whether the Slack app is configured at all."""
        return self.bot_token is not None or self.client_id is not None


class RouteSettings(_Section):
    """One routing rule of ``notifications.routes``: what it matches (all lists, any
    value matching; an empty list matches everything) and where it sends runs as well."""

    name: str = ""
    environments: list[str] = Field(default_factory=list)
    statuses: list[str] = Field(default_factory=list)
    components: list[str] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    channel: str | None = None
    to_owner_channel: bool = False
    to_component_channel: bool = False
    also_oncall: bool = False
    digest: bool = False


class DigestSettings(_Section):
    """``notifications.digest``: the daily summary per channel."""

    enabled: bool = True
    time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    timezone: str = "UTC"
    hours: float = Field(default=24.0, gt=0, le=24 * 7)
    default_channel: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class DeliverySettings(_Section):
    """``notifications.delivery``: how the outbox talks to Slack."""

    coalesce_seconds: float = Field(default=1.0, ge=0, le=60)
    channel_interval_seconds: float = Field(default=1.0, ge=0, le=60)
    lease_seconds: float = Field(default=60.0, gt=0)
    max_failures: int = Field(default=20, ge=1)
    backoff_seconds: float = Field(default=2.0, gt=0)
    max_backoff_seconds: float = Field(default=300.0, gt=0)
    workers: int = Field(default=2, ge=0, le=32)


class NotificationSettings(_Section):
    """``notifications:``: where run status goes, and how it gets there."""

    default_channel: str | None = None
    component_channels: bool = True
    routes: list[RouteSettings] = Field(default_factory=list)
    digest: DigestSettings = Field(default_factory=DigestSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)


class WebhookSecret(_Section):
    """One webhook source: the secret its deliveries are signed (or sent) with."""

    secret: SecretStr | None = None


class WebhookSettings(_Section):
    """``webhooks:``: the sources accepted at ``/webhooks/{source}`` (a source without a
    secret is disabled and answers 404)."""

    terraform_cloud: WebhookSecret = Field(default_factory=WebhookSecret)
    github: WebhookSecret = Field(default_factory=WebhookSecret)
    argocd: WebhookSecret = Field(default_factory=WebhookSecret)
    humanitec: WebhookSecret = Field(default_factory=WebhookSecret)
    generic: WebhookSecret = Field(default_factory=WebhookSecret)


class Settings(BaseSettings):
    """All of Callboard's settings."""

    model_config = SettingsConfigDict(
        env_prefix="CALLBOARD_",
        env_nested_delimiter="__",
        extra="ignore",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
    )

    config_dir: Path = Field(
        default_factory=Path.cwd, validation_alias=AliasChoices("config_dir", "configDir")
    )
    server: ServerSettings = Field(default_factory=ServerSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    catalog: CatalogSettings = Field(default_factory=CatalogSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    oncall: OnCallSettings = Field(default_factory=OnCallSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    notifications: NotificationSettings = Field(default_factory=NotificationSettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)

    def path(self, value: str) -> Path:
        """A path of the configuration, relative to the configuration file's folder."""
        candidate = Path(value).expanduser()
        return candidate if candidate.is_absolute() else self.config_dir / candidate

    def database_url(self) -> str:
        """The database URL with a relative SQLite path anchored at the config folder."""
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.path(url[len(prefix) :]))
        return url

    def ingest_config(self) -> IngestConfig:
        """The plain ingestion settings handed to the catalog."""
        catalog = self.catalog

        def rules(items: list[RuleSettings] | None) -> tuple[dict[str, Any], ...] | None:
            return None if items is None else tuple({"allow": r.allow} for r in items)

        return IngestConfig(
            locations=tuple(
                LocationSpec(
                    type=loc.type,
                    target=loc.target,
                    rules=rules(loc.rules),
                    branch=loc.branch,
                    catalog_path=loc.catalog_path,
                )
                for loc in catalog.locations
            ),
            rules=rules(catalog.rules),
            base_dir=self.config_dir,
            allowed_file_roots=tuple(self.path(p) for p in catalog.allowed_file_roots),
            reading_hosts=tuple(h.host for h in catalog.reading),
            git_cache_dir=self.path(catalog.git_cache_dir),
            max_file_bytes=catalog.max_file_bytes,
            orphan_grace_seconds=catalog.orphan_grace_seconds,
        )

    def oncall_config(self) -> OnCallConfig:
        """The plain on-call settings handed to the on-call service."""
        oncall = self.oncall
        token = oncall.pagerduty.token
        key = oncall.opsgenie.api_key
        return OnCallConfig(
            pagerduty_token=token.get_secret_value() if token else None,
            pagerduty_url=oncall.pagerduty.url,
            opsgenie_key=key.get_secret_value() if key else None,
            opsgenie_url=oncall.opsgenie.url,
            timeout=oncall.timeout_seconds,
            cache_ttl=oncall.cache_seconds,
        )


class _FileSource(PydanticBaseSettingsSource):
    """The values of ``callboard.yaml``, below the environment in priority."""

    def __init__(self, settings_cls: type[BaseSettings], data: dict[str, Any]) -> None:
        super().__init__(settings_cls)
        self._data = data

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return self._data


def load_settings(config_path: Path | None = None, **overrides: Any) -> Settings:
    """Read ``config_path`` (if any), overlay the environment, then ``overrides``.

    Raises:
        bot.config_file.ConfigError: the file is missing or malformed.
        pydantic.ValidationError: a value has the wrong shape (the message names the key).
    """
    data: dict[str, Any] = {}
    if config_path is not None:
        data = _snake_keys(read_config_file(config_path))
        data["config_dir"] = str(config_path.resolve().parent)
    database_url = os.environ.get("DATABASE_URL")
    if database_url and "CALLBOARD_DATABASE__URL" not in os.environ:
        data.setdefault("database", {})
        data["database"] = {**data["database"], "url": database_url}
    for variable, key in _SLACK_VARIABLES:
        value = os.environ.get(variable)
        if value and f"CALLBOARD_SLACK__{key.upper()}" not in os.environ:
            data["slack"] = {**(data.get("slack") or {}), key: value}

    class _Loaded(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (init_settings, env_settings, _FileSource(settings_cls, data))

    return _Loaded(**overrides)


_SLACK_VARIABLES = (
    ("SLACK_BOT_TOKEN", "bot_token"),
    ("SLACK_SIGNING_SECRET", "signing_secret"),
    ("SLACK_APP_TOKEN", "app_token"),
    ("SLACK_CLIENT_ID", "client_id"),
    ("SLACK_CLIENT_SECRET", "client_secret"),
    ("CALLBOARD_SLACK_API_URL", "api_url"),
)
"""Environment variables for ``slack:`` keys, used over the file's values unless
``CALLBOARD_SLACK__<KEY>`` is set."""


def _snake_keys(value: Any) -> Any:
    """The file's camelCase keys in the snake_case the environment variables use."""
    if isinstance(value, dict):
        return {to_snake(str(k)): _snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake_keys(item) for item in value]
    return value
