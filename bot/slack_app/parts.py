"""What every listener of the Slack app shares."""

from __future__ import annotations

from dataclasses import dataclass

from bot.slack_app.answer_process import AnswerProcess
from bot.slack_app.answers import Answers
from bot.slack_app.background import BackgroundWork
from bot.slack_app.config import SlackConfig
from bot.slack_app.event_receipts import EventReceipts
from bot.slack_app.people import TeamDiscovery, UserEmails


@dataclass(frozen=True)
class Parts:
    """The configuration, the answering, the caches, the background work, the receipts
    that make retried deliveries and repeated submissions count once, and the process that
    works out command answers (None: they are worked out on the background threads)."""

    config: SlackConfig
    answers: Answers
    teams: TeamDiscovery
    emails: UserEmails
    work: BackgroundWork
    receipts: EventReceipts
    answer_process: AnswerProcess | None = None

    @property
    def timeout(self) -> float:
        """Seconds one Slack call may take."""
        return self.config.api_timeout
