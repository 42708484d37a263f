"""Working out command answers in a separate process.

A command's answer (a search, the ownership walk, on-call, the Block Kit) is CPU work
under the interpreter lock. Done on threads of the server, it competes with the threads
that must acknowledge Slack's next requests within 3 seconds. With ``answerProcesses: 1``
(the default on a machine with a second core) the answers are worked out in a process of
their own: it has its own interpreter lock and can use the other core, and it runs at a
lower scheduling priority, so acknowledgements get the CPU first.

The answer process builds its own services from the same settings (its own database
connections and search index, which follows the catalog's change log like the server's)
and returns the rendered message. The server posts it to the command's ``response_url``,
so Slack's I/O and its retries stay in one place. A command is never lost to the process:
if it cannot take commands (it crashed, or it is shutting down), the server answers
on its own threads, and a new process is started for the commands after.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient

from bot.blocks.message import SlackMessage
from bot.settings import Settings

log = logging.getLogger(__name__)

ANSWER_NICENESS = 10
"""How much lower the answer process is scheduled than the server (Unix)."""


class AnswerProcessUnavailable(RuntimeError):
    """The answer process cannot take this command; answer it elsewhere."""


@dataclass(frozen=True, slots=True)
class CommandJob:
    """A command to answer, as plain values that cross to the answer process.

    Attributes:
        team_id: The workspace.
        token: The workspace's bot token, for the Web API calls of the answer (people).
        text: What was typed after the command.
        verb: The verb of a verb command (``/whois``), else None.
        user_id: Who typed it.
        channel_id: Where.
    """

    team_id: str | None
    token: str | None = field(repr=False)
    text: str
    verb: str | None
    user_id: str | None
    channel_id: str | None


class AnswerProcess:
    """The process (or processes) that work out answers, started on demand.

    Args:
        settings: The server's settings; the process builds its services from them.
        processes: How many processes answer at once.
        niceness: How much lower they are scheduled than the server.
    """

    def __init__(
        self, settings: Settings, *, processes: int = 1, niceness: int = ANSWER_NICENESS
    ) -> None:
        self._settings = settings.model_dump()
        self._processes = processes
        self._niceness = niceness
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False
        self._warm: Future[None] | None = None

    def start(self) -> None:
        """Start the process now and have it load its services, so the first command
        does not wait for that (once; later calls change nothing)."""
        if self._warm is not None:
            return
        try:
            self._warm = self._pool_now().submit(_warm_up)
        except AnswerProcessUnavailable as exc:
            log.warning("answer process not started: %s", exc)
            return
        self._warm.add_done_callback(_log_failed_warm_up)

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until the process started by :meth:`start` has loaded its services;
        False when it failed to, or on timeout."""
        if self._warm is None:
            return False
        try:
            self._warm.result(timeout=timeout)
        except Exception:  # logged by the callback, or a timeout
            return False
        return True

    def answer(self, job: CommandJob) -> SlackMessage:
        """The rendered answer to ``job``, worked out in the answer process.

        Raises:
            AnswerProcessUnavailable: The process crashed or is shutting down; the
                command was not answered there.
        """
        pool = self._pool_now()
        try:
            return pool.submit(_answer, job).result()
        except BrokenProcessPool as exc:
            self._forget(pool)
            raise AnswerProcessUnavailable("the answer process stopped") from exc
        except RuntimeError as exc:  # submitted after shutdown began
            raise AnswerProcessUnavailable(str(exc)) from exc

    def close(self) -> None:
        """Stop taking commands and let the process finish those it has."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def _pool_now(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise AnswerProcessUnavailable("shutting down")
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self._processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start,
                    initargs=(self._settings, self._niceness),
                )
            return self._pool

    def _forget(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        log.error("the answer process stopped; a new one takes the next commands")
        pool.shutdown(wait=False)


def _log_failed_warm_up(future: Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("the answer process could not load its services", exc_info=future.exception())


# -- in the answer process ----------------------------------------------------------------


class _Answerer:
    """The services of the answer process."""

    def __init__(self, settings: Settings) -> None:
        from bot.slack_app.answers import Answers
        from bot.slack_app.config import SlackConfig
        from bot.slack_app.people import TeamDiscovery, UserEmails
        from bot.wiring import build_wiring

        self.wiring = build_wiring(settings)
        self.config = SlackConfig.from_settings(settings.slack)
        self.answers = Answers(
            TeamDiscovery(self.wiring.discovery), UserEmails(), root=self.config.command
        )
        self._clients: dict[str | None, WebClient] = {}

    def client(self, token: str | None) -> WebClient:
        """A Web API client for ``token``, one per workspace."""
        from bot.slack_app.web_client import make_web_client

        found = self._clients.get(token)
        if found is None:
            found = self._clients[token] = make_web_client(
                self.config.api_url, token, timeout=self.config.api_timeout
            )
        return found

    def warm_up(self) -> None:
        """Load the search index, then settle the heap as the server does."""
        from bot.scheduler import settle_heap

        self.wiring.search.refresh()
        settle_heap()

    def answer(self, job: CommandJob) -> SlackMessage:
        """The rendered answer (an apology when answering fails, logged)."""
        return self.answers.answer(
            self.client(job.token),
            job.team_id,
            job.text,
            verb=job.verb,
            user_id=job.user_id,
            channel_id=job.channel_id,
        )


_answerer: _Answerer | None = None


def _start(settings: dict[str, Any], niceness: int) -> None:
    """Initialise an answer process: lower priority, services built from the settings.

    Interrupts go to the server, which stops the process in order; if the server is gone
    without doing so (killed), the process exits too.
    """
    global _answerer
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_exit_with, args=(parent.sentinel,), name="answer-parent-watch", daemon=True
        ).start()
    if niceness > 0 and hasattr(os, "nice"):
        try:
            os.nice(niceness)
        except OSError as exc:
            log.debug("could not lower the answer process's priority: %s", exc)
    _answerer = _Answerer(Settings.model_validate(settings))


def _exit_with(parent_sentinel: int) -> None:
    """Exit as soon as the server process has ended."""
    multiprocessing.connection.wait([parent_sentinel])
    os._exit(0)


def _warm_up() -> None:
    assert _answerer is not None
    _answerer.warm_up()


def _answer(job: CommandJob) -> SlackMessage:
    assert _answerer is not None
    return _answerer.answer(job)
