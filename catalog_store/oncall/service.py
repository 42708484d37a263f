"""Answering "who is on call?" for an entity from its schedule, PagerDuty or Opsgenie."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from catalog_store.model.refs import InvalidEntityRef, parse_entity_ref
from catalog_store.oncall import opsgenie, pagerduty
from catalog_store.oncall.answers import OnCallAnswer, OnCallPerson, OnCallShift
from catalog_store.oncall.chain import (
    SCHEDULE_ANNOTATION,
    SourceChoice,
    chain_contacts,
    choose_source,
    entity_key,
)
from catalog_store.oncall.config import OnCallConfig
from catalog_store.oncall.provider_http import ProviderError, ProviderHttp
from catalog_store.oncall.provider_result import ProviderResult
from catalog_store.oncall.schedule_spec import (
    SCHEDULE_KIND,
    InvalidScheduleError,
    parse_schedule_spec,
)
from catalog_store.oncall.schedule_timeline import compute_schedule
from catalog_store.oncall.ttl_cache import TtlCache

log = logging.getLogger(__name__)

EntityLookup = Callable[[str], Mapping[str, Any] | None]
"""Returns the catalog entity for a lower-case ref ``kind:namespace/name``, or None."""

_LABELS = {"pagerduty": pagerduty.LABEL, "opsgenie": opsgenie.LABEL}
_CREDENTIALS = {"pagerduty": "API token", "opsgenie": "API key"}


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


ProviderClient = pagerduty.PagerDutyClient | opsgenie.OpsgenieClient


def _title(entity: Mapping[str, Any]) -> str | None:
    metadata = entity.get("metadata")
    if not isinstance(metadata, Mapping):
        return None
    for field in ("title", "name"):
        value = metadata.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


class OnCallService:
    """Who is on call now and next for a group, or for the owner of any entity.

    The entity asked about and the groups above it (``[entity, owner group, parent
    groups...]``) are searched for the first recognised annotation, which picks the source:

    * ``callboard.dev/oncall-schedule``: a built-in ``Schedule`` entity (see
      :mod:`catalog_store.oncall.schedule_spec`), computed here;
    * ``pagerduty.com/escalation-policy-id``, ``pagerduty.com/service-id``,
      ``pagerduty.com/schedule-id``: PagerDuty (see :mod:`catalog_store.oncall.pagerduty`);
    * ``opsgenie.com/schedule``, ``opsgenie.com/team``: Opsgenie (see
      :mod:`catalog_store.oncall.opsgenie`).

    Provider answers are cached for ``config.cache_ttl`` seconds and provider failures for
    ``config.failure_ttl`` seconds. Nothing raises for a provider or schedule problem: the
    answer's ``problem`` says what went wrong and its ``contacts`` whom to reach instead.
    """

    def __init__(
        self,
        config: OnCallConfig,
        schedule_lookup: EntityLookup,
        *,
        clock: Callable[[], datetime] = utc_now,
        user_lookup: EntityLookup | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Set up the providers that have credentials.

        Args:
            config: Provider credentials and addresses, timeouts, caching.
            schedule_lookup: Finds a catalog entity by lower-case ref; used for schedules
                and, unless ``user_lookup`` is given, for the users they name.
            clock: The current time (aware); "now" and cache expiry follow it.
            user_lookup: Finds user entities by ref, for names and emails.
            sleep: Pauses between retries of provider requests.
        """
        self.config = config
        self.schedule_lookup = schedule_lookup
        self.user_lookup = user_lookup or schedule_lookup
        self.clock = clock
        self._cache: TtlCache[ProviderResult | ProviderError] = TtlCache(clock)
        self._clients: dict[str, ProviderClient] = {}
        self._pools: list[ProviderHttp] = []
        if config.pagerduty_token:
            http = self._pool(
                pagerduty.LABEL,
                config.pagerduty_url,
                pagerduty.pagerduty_headers(config.pagerduty_token),
                sleep,
            )
            self._clients["pagerduty"] = pagerduty.PagerDutyClient(http, config.lookahead)
        if config.opsgenie_key:
            http = self._pool(
                opsgenie.LABEL,
                config.opsgenie_url,
                opsgenie.opsgenie_headers(config.opsgenie_key),
                sleep,
            )
            self._clients["opsgenie"] = opsgenie.OpsgenieClient(http)

    def _pool(
        self, label: str, url: str, headers: dict[str, str], sleep: Callable[[float], None]
    ) -> ProviderHttp:
        http = ProviderHttp(
            label,
            url,
            headers,
            timeout=self.config.timeout,
            attempts=self.config.attempts,
            retry_after_cap=self.config.retry_after_cap,
            sleep=sleep,
        )
        self._pools.append(http)
        return http

    def close(self) -> None:
        """Close the providers' connection pools."""
        for http in self._pools:
            http.close()

    def __enter__(self) -> OnCallService:
        """Use the service in a ``with`` block that closes it."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the connection pools."""
        self.close()

    def who_is_on_call(
        self, chain: Sequence[Mapping[str, Any]], at: datetime | None = None
    ) -> OnCallAnswer:
        """Who is on call now and next for the first entity of ``chain``.

        Args:
            chain: ``[entity, owner group, parent groups...]`` as the catalog serves them.
            at: The moment to ask about (aware; naive is taken as UTC); default now.

        Returns:
            The answer; its ``problem`` is set when it could not be found out, and its
            ``contacts`` hold the first channel and email along the chain.
        """
        moment = self.clock() if at is None else at
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        contacts = chain_contacts(chain)
        choice = choose_source(chain)
        if choice is None:
            keys = (entity_key(e) for e in chain if isinstance(e, Mapping))
            subject = next((k for k in keys if k is not None), "unknown")
            return OnCallAnswer(
                source="none",
                subject_ref=subject,
                problem=f"no on-call schedule, PagerDuty or Opsgenie annotation is set on "
                f"{subject} or the groups above it",
                contacts=contacts,
            )
        if choice.source == "schedule":
            answer = self._from_schedule(choice, moment)
        else:
            answer = self._from_provider(choice, moment, cached_key=None if at is None else moment)
        return OnCallAnswer(
            source=answer.source,
            subject_ref=answer.subject_ref,
            schedule_name=answer.schedule_name,
            now=answer.now,
            next=answer.next,
            problem=answer.problem,
            contacts=contacts,
        )

    def _from_provider(
        self, choice: SourceChoice, moment: datetime, cached_key: datetime | None
    ) -> OnCallAnswer:
        label = _LABELS[choice.source]
        client = self._clients.get(choice.source)
        if client is None:
            return OnCallAnswer(
                choice.source,
                choice.entity_ref,
                problem=f"{label} is set for {choice.entity_ref} ({choice.annotation}) but no "
                f"{label} {_CREDENTIALS[choice.source]} is configured",
            )
        key = (choice.source, choice.annotation, choice.value, cached_key)
        result = self._cache.get(key)
        if result is None:
            try:
                result = client.on_call(choice.annotation, choice.value, moment)
                self._cache.put(key, result, self.config.cache_ttl)
            except ProviderError as exc:
                result = exc
                self._cache.put(key, result, min(self.config.failure_ttl, self.config.cache_ttl))
            except Exception:
                log.exception("reading on-call from %s for %s failed", label, choice.entity_ref)
                result = ProviderError(f"{label} answered in a way Callboard could not read")
                self._cache.put(key, result, min(self.config.failure_ttl, self.config.cache_ttl))
        if isinstance(result, ProviderError):
            return OnCallAnswer(choice.source, choice.entity_ref, problem=result.problem)
        return OnCallAnswer(
            choice.source,
            choice.entity_ref,
            result.schedule_name,
            list(result.now),
            list(result.next),
        )

    def _from_schedule(self, choice: SourceChoice, moment: datetime) -> OnCallAnswer:
        def failed(problem: str, name: str | None = None) -> OnCallAnswer:
            return OnCallAnswer("schedule", choice.entity_ref, name, problem=problem)

        where = f"{SCHEDULE_ANNOTATION} on {choice.entity_ref}"
        try:
            ref = parse_entity_ref(
                choice.value, default_kind=SCHEDULE_KIND, default_namespace=choice.namespace
            )
        except InvalidEntityRef:
            return failed(f"{where} is not a schedule reference ({choice.value!r})")
        if ref.kind.lower() != SCHEDULE_KIND.lower():
            return failed(f"{where} must name a Schedule (got {choice.value!r})")
        try:
            entity = self.schedule_lookup(ref.key)
        except Exception:
            log.exception("looking up schedule %s failed", ref.key)
            return failed(f"the schedule {ref.key} could not be read from the catalog")
        if entity is None:
            return failed(f"the schedule {ref.key} ({where}) is not in the catalog")
        name = _title(entity) or ref.name
        try:
            now, upcoming = compute_schedule(
                parse_schedule_spec(entity.get("spec"), namespace=ref.namespace.lower()), moment
            )
        except InvalidScheduleError as exc:
            first = exc.errors[0] if exc.errors else "invalid"
            return failed(f"the schedule {ref.key} is not valid: {first}", name)
        return OnCallAnswer(
            "schedule",
            choice.entity_ref,
            name,
            [self._with_user(shift) for shift in now],
            [self._with_user(shift) for shift in upcoming],
        )

    def _with_user(self, shift: OnCallShift) -> OnCallShift:
        ref = shift.person.user_ref
        if ref is None:
            return shift
        try:
            user = self.user_lookup(ref)
        except Exception:
            log.exception("looking up user %s failed", ref)
            user = None
        if user is None:
            return shift
        spec = user.get("spec")
        profile = spec.get("profile") if isinstance(spec, Mapping) else None
        profile = profile if isinstance(profile, Mapping) else {}
        display = profile.get("displayName")
        email = profile.get("email")
        person = OnCallPerson(
            name=display.strip()
            if isinstance(display, str) and display.strip()
            else _title(user) or shift.person.name,
            email=email.strip() if isinstance(email, str) and email.strip() else None,
            user_ref=ref,
        )
        return OnCallShift(person, shift.start, shift.end, shift.level, shift.layer)


__all__ = ["EntityLookup", "OnCallService", "utc_now"]
