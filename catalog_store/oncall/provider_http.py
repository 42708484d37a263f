"""JSON over HTTP to a paging provider: timeouts, retries and failures as plain sentences.

Requests that meet a 5xx answer or a failed connection are tried again after a short,
growing pause; a 429 answer is tried again after the provider's ``Retry-After`` when that
is within the configured cap. Every failure becomes a :class:`ProviderError` whose
``problem`` is a short sentence for people, free of credentials and tracebacks.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

MAX_PROVIDER_MESSAGE = 120
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]+")


class ProviderError(Exception):
    """A provider call that failed.

    Attributes:
        problem: What went wrong, for people ("PagerDuty is not answering ...").
        status: The HTTP status when the provider answered, else None.
    """

    def __init__(self, problem: str, *, status: int | None = None) -> None:
        """Keep the sentence and the status."""
        super().__init__(problem)
        self.problem = problem
        self.status = status


def _seconds(value: float) -> str:
    return f"{value:g} s"


def retry_after_seconds(header: str | None, now: datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for, in seconds.

    Args:
        header: The header's value: a number of seconds or an HTTP date.
        now: The current time, for HTTP dates (default: the system clock).

    Returns:
        The seconds (never negative), or None when there is no usable header.
    """
    if header is None or not header.strip():
        return None
    text = header.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(seconds, 0.0)


def provider_message(response: httpx.Response) -> str | None:
    """The provider's own short explanation in an error answer, if it gave one.

    PagerDuty answers ``{"error": {"message": ...}}``, Opsgenie ``{"message": ...}``.
    """
    try:
        body = response.json()
    except ValueError:
        return None
    message: Any = None
    if isinstance(body, Mapping):
        error = body.get("error")
        message = error.get("message") if isinstance(error, Mapping) else body.get("message")
    if not isinstance(message, str) or not message.strip():
        return None
    cleaned = _UNPRINTABLE.sub(" ", message).strip()
    return cleaned[:MAX_PROVIDER_MESSAGE]


class ProviderHttp:
    """GET requests for JSON from one provider, with its credentials set on every request."""

    def __init__(
        self,
        label: str,
        base_url: str,
        headers: Mapping[str, str],
        *,
        timeout: float,
        attempts: int = 3,
        retry_after_cap: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Open a connection pool to the provider.

        Args:
            label: The provider's name in problems, e.g. ``"PagerDuty"``.
            base_url: The API's base address.
            headers: Sent with every request (authorisation, accept).
            timeout: Seconds to connect and to wait for an answer.
            attempts: Tries per request for answers and failures worth repeating.
            retry_after_cap: The longest pause before trying again, in seconds.
            sleep: Pauses between tries.
        """
        self.label = label
        self.timeout = timeout
        self.attempts = max(attempts, 1)
        self.retry_after_cap = retry_after_cap
        self.sleep = sleep
        self.client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=dict(headers),
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def _pause(self, attempt: int) -> float:
        return float(min(0.25 * 2 ** (attempt - 1), self.retry_after_cap))

    def get_json(self, path: str, params: Sequence[tuple[str, str]] = ()) -> Any:
        """GET ``path`` and return its JSON body.

        Args:
            path: The path under the base address, already quoted.
            params: Query parameters; a name may repeat (``schedule_ids[]``).

        Returns:
            The parsed JSON.

        Raises:
            ProviderError: The provider could not be reached, did not answer in time,
                refused the credentials, answered with an error, or did not answer JSON.
        """
        label = self.label
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                response = self.client.get(path, params=list(params))
            except httpx.TimeoutException:
                raise ProviderError(
                    f"{label} is not answering (no reply within {_seconds(self.timeout)})"
                ) from None
            except httpx.TransportError as exc:
                if last:
                    raise ProviderError(
                        f"{label} cannot be reached ({type(exc).__name__})"
                    ) from None
                self.sleep(self._pause(attempt))
                continue
            status = response.status_code
            if status == 429:
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                if wait is not None and wait > self.retry_after_cap:
                    raise ProviderError(
                        f"{label} is limiting Callboard's requests (HTTP 429) and asks to wait "
                        f"{_seconds(math.ceil(wait))}",
                        status=status,
                    )
                if last:
                    raise ProviderError(
                        f"{label} is limiting Callboard's requests (HTTP 429 after "
                        f"{self.attempts} tries)",
                        status=status,
                    )
                self.sleep(self._pause(attempt) if wait is None else wait)
                continue
            if status >= 500:
                if last:
                    raise ProviderError(
                        f"{label} is not answering properly (HTTP {status} after "
                        f"{self.attempts} tries)",
                        status=status,
                    )
                self.sleep(self._pause(attempt))
                continue
            return self._body(response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _body(self, response: httpx.Response) -> Any:
        label, status = self.label, response.status_code
        if status in (401, 403):
            raise ProviderError(
                f"{label} refused Callboard's API credentials (HTTP {status}); "
                f"check the {label} key in the configuration",
                status=status,
            )
        if not 200 <= status < 300:
            said = provider_message(response)
            raise ProviderError(
                f"{label} rejected the request (HTTP {status}{': ' + said if said else ''})",
                status=status,
            )
        try:
            return response.json()
        except ValueError:
            raise ProviderError(
                f"{label} answered with something that is not JSON", status=status
            ) from None
