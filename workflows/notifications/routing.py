"""Which channels hear about a run: configuration, built-in rules and routes.

Built in: a run goes to its component's own channel (annotation
``callboard.dev/slack-channel``), else to the channel of the component's owner group
(``slack.com/channel-id``, inherited from parent groups), else to the default channel;
every matching :class:`Route` adds its channel (and may ask for on-call mentions on
failures, or for the channel's daily digest). A component the catalog does not know goes
to the default channel with a note.

Channels are written as ids (``C0123ABC``) or names (``#deploys`` or ``deploys``); names are
kept as ``#name`` and resolved to ids by the chat client.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol

from workflows.notifications.directory import ComponentInfo, RunDirectory
from workflows.runs.events import RunKind, RunStatus

_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")


def normalize_channel(channel: str) -> str:
    """A channel id as written (``C0123``), or a channel name as ``#name`` lower-cased.

    Raises:
        ValueError: ``channel`` is blank.
    """
    text = channel.strip()
    if not text or text == "#":
        raise ValueError("a channel must not be blank")
    if _CHANNEL_ID.match(text):
        return text
    return "#" + text.removeprefix("#").lower()


class ChannelResolver(Protocol):
    """Finds channels in the workspace (the chat client implements it)."""

    def channel_id(self, channel: str) -> str | None:
        """The id of channel ``channel`` (an id or ``#name``), or None when there is none."""


@dataclass(frozen=True, slots=True)
class Route:
    """A rule adding channels for the runs it matches.

    Every non-empty list must contain the run's value (case-insensitive); empty lists match
    anything. A route with none of ``channel``, ``to_owner_channel``,
    ``to_component_channel`` applies its flags to the run's primary channel.

    Attributes:
        name: Shown in diagnostics.
        environments: Run environments, e.g. ``("production",)``.
        statuses: Run statuses (``failed`` ...), matched against the run's current status.
        components: Component names, refs or the source's component hints.
        kinds: ``deployment``, ``terraform``, ``workflow``.
        sources: ``terraform-cloud``, ``github``, ``argocd``, ``humanitec``, ``generic`` ...
        channel: A channel to post to as well.
        to_owner_channel: Post to the owner group's channel as well.
        to_component_channel: Post to the component's own channel as well.
        also_oncall: When the run fails, mention who is on call in its thread.
        digest: The channel(s) this route posts to get the daily digest.
    """

    name: str = ""
    environments: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    channel: str | None = None
    to_owner_channel: bool = False
    to_component_channel: bool = False
    also_oncall: bool = False
    digest: bool = False

    def __post_init__(self) -> None:
        for name in ("environments", "statuses", "components", "kinds", "sources"):
            values = getattr(self, name)
            object.__setattr__(self, name, tuple(v.strip().lower() for v in values))
        if self.channel is not None:
            object.__setattr__(self, "channel", normalize_channel(self.channel))
        known = {status.value for status in RunStatus}
        unknown = [s for s in self.statuses if s not in known]
        if unknown:
            raise ValueError(f"route {self.name or '(unnamed)'}: unknown statuses {unknown}")

    @property
    def adds_channels(self) -> bool:
        """Whether the route names channels of its own."""
        return bool(self.channel or self.to_owner_channel or self.to_component_channel)

    def matches(self, facts: RunFacts) -> bool:
        """Whether ``facts`` satisfy every list of the route."""
        checks = (
            (self.environments, (facts.environment,)),
            (self.statuses, (facts.status.value,)),
            (self.kinds, (facts.kind.value,)),
            (self.sources, (facts.source,)),
            (self.components, facts.component_names()),
        )
        for wanted, values in checks:
            if wanted and not any(v is not None and v.lower() in wanted for v in values):
                return False
        return True


@dataclass(frozen=True, slots=True)
class DeliveryConfig:
    """How the outbox delivers.

    Attributes:
        coalesce_seconds: A card change waits this long so that changes close together
            become one post or update.
        channel_interval_seconds: Least time between two writes to one channel (Slack
            allows about one message per second per channel).
        lease_seconds: How long a claimed delivery belongs to its worker; afterwards
            another worker takes it over (the first one crashed).
        max_failures: Transient failures in a row before a delivery becomes a dead letter.
        backoff_seconds: First retry delay after a transient failure; doubles each time.
        max_backoff_seconds: Longest retry delay.
        find_posted_margin_seconds: How far before a message's creation ``find_posted``
            looks back.
        idle_seconds: Pause of ``run_forever`` when nothing is due.
    """

    coalesce_seconds: float = 1.0
    channel_interval_seconds: float = 1.0
    lease_seconds: float = 60.0
    max_failures: int = 8
    backoff_seconds: float = 2.0
    max_backoff_seconds: float = 300.0
    find_posted_margin_seconds: float = 60.0
    idle_seconds: float = 0.5


@dataclass(frozen=True, slots=True)
class NotificationConfig:
    """Where run notifications go and how they are delivered.

    Attributes:
        default_channel: Runs with no component or owner channel (and unknown components).
        routes: Extra rules, applied in order.
        component_channels: Use the built-in rule (component annotation, then owner channel).
        digest_default_channel: The default channel gets the daily digest as well.
        digest_hours: The period a digest covers, ending when it is enqueued.
        delivery: Outbox settings.
    """

    default_channel: str | None = None
    routes: tuple[Route, ...] = ()
    component_channels: bool = True
    digest_default_channel: bool = False
    digest_hours: float = 24.0
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)

    def __post_init__(self) -> None:
        if self.default_channel is not None:
            object.__setattr__(self, "default_channel", normalize_channel(self.default_channel))
        object.__setattr__(self, "routes", tuple(self.routes))

    def configured_channels(self) -> list[str]:
        """Every channel named in the configuration, once, in order."""
        named = [self.default_channel, *(route.channel for route in self.routes)]
        return list(dict.fromkeys(c for c in named if c))

    def digest_channels(self) -> list[str]:
        """The configured channels that get a digest (routes with ``digest``, the default
        channel when ``digest_default_channel``)."""
        named = [r.channel for r in self.routes if r.digest and r.channel]
        if self.digest_default_channel and self.default_channel:
            named.append(self.default_channel)
        return list(dict.fromkeys(c for c in named if c))

    def with_channel_ids(self, resolver: ChannelResolver) -> NotificationConfig:
        """The same configuration with channel names replaced by ids where they resolve."""

        def resolved(channel: str | None) -> str | None:
            if channel is None or not channel.startswith("#"):
                return channel
            return resolver.channel_id(channel) or channel

        return replace(
            self,
            default_channel=resolved(self.default_channel),
            routes=tuple(replace(r, channel=resolved(r.channel)) for r in self.routes),
        )


def check_channels(config: NotificationConfig, resolver: ChannelResolver) -> list[str]:
    """The configured channels that ``resolver`` does not find (empty when all are known)."""
    return [c for c in config.configured_channels() if resolver.channel_id(c) is None]


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What routing looks at: a run's current state and its catalog component."""

    source: str
    kind: RunKind
    status: RunStatus
    environment: str | None
    component_hint: str | None
    component: ComponentInfo | None

    def component_names(self) -> tuple[str | None, ...]:
        """The names a route's ``components`` may match."""
        if self.component is None:
            return (self.component_hint,)
        return (self.component_hint, self.component.ref, self.component.name)


@dataclass(frozen=True, slots=True)
class Target:
    """A channel a run goes to, with what it asks there."""

    channel: str
    also_oncall: bool = False
    digest: bool = False


def unknown_component_note(hint: str) -> str:
    """The note shown on a run whose component the catalog lacks."""
    return f"component {hint} is not in the catalog"


class Router:
    """Applies a :class:`NotificationConfig` to runs, with components from a directory."""

    def __init__(self, config: NotificationConfig, directory: RunDirectory) -> None:
        """Route with ``config``, resolving components through ``directory``."""
        self.config = config
        self.directory = directory

    def component(self, hint: str | None) -> ComponentInfo | None:
        """The catalog Component a hint names (None for no hint or an unknown one)."""
        return None if not hint else self.directory.component(hint)

    def targets(self, facts: RunFacts) -> list[Target]:
        """The channels of a run in its current state, primary channel first."""
        component = facts.component
        primary: list[str] = []
        if self.config.component_channels and component is not None:
            own = component.channel or component.owner_channel
            if own:
                primary.append(normalize_channel(own))
        if not primary and self.config.default_channel:
            primary.append(self.config.default_channel)
        found: dict[str, Target] = {channel: Target(channel) for channel in primary}
        for route in self.config.routes:
            if not route.matches(facts):
                continue
            channels = list(self._route_channels(route, component)) if route.adds_channels else []
            for channel in channels or (primary if not route.adds_channels else []):
                current = found.get(channel, Target(channel))
                found[channel] = Target(
                    channel,
                    also_oncall=current.also_oncall or route.also_oncall,
                    digest=current.digest or route.digest,
                )
        return list(found.values())

    @staticmethod
    def _route_channels(route: Route, component: ComponentInfo | None) -> Iterable[str]:
        if route.channel:
            yield route.channel
        if component is None:
            return
        if route.to_component_channel and component.channel:
            yield normalize_channel(component.channel)
        if route.to_owner_channel and component.owner_channel:
            yield normalize_channel(component.owner_channel)

    def note(self, facts: RunFacts) -> str | None:
        """A note about the routing, e.g. that the component is not in the catalog."""
        if facts.component_hint and facts.component is None:
            return unknown_component_note(facts.component_hint)
        return None
