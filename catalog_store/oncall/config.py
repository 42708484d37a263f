"""Settings of on-call look-ups: provider credentials and addresses, timeouts, caching."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class OnCallConfig:
    """How to reach the paging providers.

    Attributes:
        pagerduty_token: A PagerDuty REST API key (v2); None when PagerDuty is not used.
        pagerduty_url: The PagerDuty REST API's base address.
        opsgenie_key: An Opsgenie API integration key; None when Opsgenie is not used.
        opsgenie_url: The Opsgenie API's base address (``https://api.eu.opsgenie.com``
            for the EU instance).
        timeout: Seconds to wait for a provider to connect and to answer.
        cache_ttl: Seconds a provider's answer is reused; 0 turns caching off.
        failure_ttl: Seconds a provider's failure is reused before it is asked again, so a
            provider that is down does not slow every question down.
        attempts: Tries per request when the provider answers 429 or 5xx (or the
            connection fails).
        retry_after_cap: The longest wait, in seconds, before trying again; a provider
            asking (``Retry-After``) for a longer wait is not tried again.
        lookahead: How far ahead of the moment asked about to look for the next shift.
    """

    pagerduty_token: str | None = field(default=None, repr=False)
    pagerduty_url: str = "https://api.pagerduty.com"
    opsgenie_key: str | None = field(default=None, repr=False)
    opsgenie_url: str = "https://api.opsgenie.com"
    timeout: float = 5.0
    cache_ttl: float = 60.0
    failure_ttl: float = 10.0
    attempts: int = 3
    retry_after_cap: float = 10.0
    lookahead: timedelta = timedelta(days=14)
