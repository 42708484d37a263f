"""Command answers worked out in the answer process (``slack.answerProcesses: 1``), end to
end: the stand-in sends signed commands, the bot acknowledges, the answer process works
out the answer and the server posts it to the ``response_url``."""

from __future__ import annotations

import multiprocessing
import os
import signal

import pytest

from bot.settings import SlackSettings
from bot.slack_app.answer_process import AnswerProcess
from tests.bot.slack_app.conftest import Bot, MakeBot, wait_for
from tests.bot.slack_app.test_commands import answer_to


def answer_process(bot: Bot) -> AnswerProcess:
    found = bot.surface.parts.answer_process
    assert found is not None
    return found


def answer_pids() -> set[int]:
    """The live processes this test process started, beside the stand-in's threads."""
    return {p.pid for p in multiprocessing.active_children() if p.pid is not None}


@pytest.fixture
def bot(make_bot: MakeBot) -> Bot:
    made = make_bot(answer_processes=1)
    assert answer_process(made).wait_ready(timeout=60), "the answer process did not start"
    return made


def test_answers_are_worked_out_in_the_answer_process(bot: Bot) -> None:
    text = answer_to(bot, "alice", "payments", "/idp", "whois payment srvice")
    assert "payment-service" in text.lower() and "<#C0PAYMENTS>" in text
    assert "Payments" in answer_to(bot, "carol", "checkout", "/oncall", "payments-team")
    # The asker's email is read with the workspace's token, from the answer process.
    assert "Payments" in answer_to(bot, "alice", "payments", "/owner", "")
    assert [c.args["user"] for c in bot.state.calls("users.info")] == ["U0ALICE"]
    # The server itself never searched: its own index was never loaded.
    assert bot.wiring.search.change_seq is None


def test_the_answer_process_follows_catalog_changes(bot: Bot) -> None:
    assert "payment-service" in answer_to(bot, "alice", "payments", "/whois", "payment-service")
    catalog = bot.wiring.settings.path("catalog/teams/payments/catalog-info.yaml")
    catalog.write_text(catalog.read_text().replace("payment-service", "payment-engine"))
    bot.wiring.catalog.refresh_all()
    text = wait_for(
        lambda: (
            (t := answer_to(bot, "alice", "payments", "/whois", "payment-engine"))
            and "payment-engine" in t
            and t
        ),
        what="the renamed component in the answer",
    )
    assert "payment-engine" in text


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities to compare (Windows)")
def test_the_answer_process_runs_at_a_lower_priority(bot: Bot) -> None:
    (pid,) = answer_pids()
    assert os.getpriority(os.PRIO_PROCESS, pid) >= os.getpriority(os.PRIO_PROCESS, 0) + 10


def test_a_crashed_answer_process_loses_no_command(bot: Bot) -> None:
    (crashed,) = answer_pids()
    os.kill(crashed, signal.SIGKILL)
    wait_for(lambda: crashed not in answer_pids(), what="the answer process to be gone")
    # Answered by the server while no answer process can take it ...
    assert "payment-service" in answer_to(bot, "alice", "payments", "/whois", "payment srvice")
    # ... and a new answer process takes the commands after.
    assert "payment-service" in answer_to(bot, "alice", "payments", "/whois", "payment-service")
    fresh = wait_for(answer_pids, what="a new answer process")
    assert crashed not in fresh and len(fresh) == 1


def test_stopping_the_surface_stops_the_answer_process(bot: Bot) -> None:
    """What the app's shutdown does (``callboard serve`` stopped with SIGTERM)."""
    (pid,) = answer_pids()
    bot.surface.stop()
    assert pid not in answer_pids()
    assert "payment-service" in answer_to(bot, "alice", "payments", "/whois", "payment-service")


def test_one_answer_process_by_default_on_two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert SlackSettings().answer_processes == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert SlackSettings().answer_processes == 0
    assert SlackSettings.model_validate({"answerProcesses": 2}).answer_processes == 2
