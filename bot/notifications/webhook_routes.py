"""``POST /webhooks/{source}``: verified, translated, committed, then answered.

The body is read up to :data:`~workflows.webhooks.MAX_BODY_BYTES` (a larger one is refused
with 413 before it is all read), verified and translated by
:func:`~workflows.webhooks.parse_webhook`, and its events are committed to the database by
the notification service before the answer goes out: a 2xx means the events are safe and
will be delivered. A repeated delivery answers 200 with its duplicates counted. Every
delivery is logged with its source, delivery id and outcome, never with a secret or a
signature.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from workflows.notifications.service import AcceptResult
from workflows.runs.events import RunEvent, utc_now
from workflows.webhooks import MAX_BODY_BYTES, WebhookError, WebhookSecrets, parse_webhook

log = logging.getLogger(__name__)

Accept = Callable[[Sequence[RunEvent]], AcceptResult]

MAX_STORING = 4
"""Deliveries stored at the same time; the others wait their turn on the event loop (a
queue of threads all contending for the database and the interpreter lock is slower)."""


class BodyTooLarge(Exception):
    """The request body is larger than allowed."""


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing one over ``limit`` bytes without reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _answer(status: int, **body: object) -> JSONResponse:
    return JSONResponse(body, status_code=status)


def create_webhook_router(
    secrets: WebhookSecrets,
    accept: Accept,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    clock: Callable[[], datetime] = utc_now,
) -> APIRouter:
    """The webhook route; events go to ``accept`` (committed before it returns)."""
    router = APIRouter()
    storing = asyncio.Semaphore(MAX_STORING)

    @router.post("/webhooks/{source}", include_in_schema=False)
    async def receive(source: str, request: Request) -> JSONResponse:
        source = source[:40]
        try:
            body = await read_body(request, max_body_bytes)
        except BodyTooLarge:
            log.warning("webhook %s refused: body over %d bytes", source, max_body_bytes)
            return _answer(413, ok=False, error=f"the body is larger than {max_body_bytes} bytes")
        try:
            delivery = parse_webhook(source, request.headers, body, secrets, now=clock())
        except WebhookError as exc:
            log.warning("webhook %s refused (%s): %s", source, exc.status, exc.message)
            return _answer(exc.status, ok=False, error=exc.message)
        if delivery.ping:
            log.info("webhook %s: verification ping %s", source, delivery.delivery_id or "")
            return _answer(200, ok=True, ping=True)
        if not delivery.events:
            log.info("webhook %s: %s", source, delivery.ignored or "no run events")
            return _answer(202, ok=True, accepted=0, ignored=delivery.ignored or "no run events")
        try:
            async with storing:
                result = await run_in_threadpool(accept, delivery.events)
        except Exception:
            log.exception("webhook %s: storing %d events failed", source, len(delivery.events))
            return _answer(503, ok=False, error="the events could not be stored; retry later")
        log.info(
            "webhook %s delivery %s: %d accepted, %d duplicates, %d ignored",
            source,
            delivery.delivery_id or "-",
            result.accepted,
            result.duplicates,
            result.ignored,
        )
        status = 200 if result.duplicates == len(delivery.events) else 202
        return _answer(
            status,
            ok=True,
            accepted=result.accepted,
            duplicates=result.duplicates,
            ignored=result.ignored,
        )

    return router
