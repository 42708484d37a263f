"""Events end to end: the Home tab, unfurled catalog links, mentions and direct messages."""

from __future__ import annotations

from bot.slack_standin import RateLimit, StandinState, validate_view
from tests.bot.slack_app.conftest import CATALOG_URL, Bot, MakeBot, blocks_text, wait_for


def test_app_home_shows_my_teams_and_who_is_on_call(bot: Bot) -> None:
    reply = bot.sender.open_home("alice")
    assert reply is not None and reply.ok and reply.elapsed < 3.0
    home = wait_for(lambda: bot.state.home_view("U0ALICE"))
    assert validate_view(home.definition) == []
    text = blocks_text(home.definition)
    assert "Payments" in text and "Payment Service" in text and "<#C0PAYMENTS>" in text
    assert [c.args["user"] for c in bot.state.calls("users.info")] == ["U0ALICE"]


def test_app_home_for_someone_the_catalog_does_not_know(bot: Bot) -> None:
    bot.state.workspace.users["U0ERIN"].email = "erin@elsewhere.example"
    bot.sender.open_home("erin")
    home = wait_for(lambda: bot.state.home_view("U0ERIN"))
    assert validate_view(home.definition) == []
    assert "help" in blocks_text(home.definition).lower()


def test_catalog_links_are_unfurled(bot: Bot) -> None:
    url = f"{CATALOG_URL}/catalog/default/component/payment-service"
    other = "https://grafana.acme.example/d/payments"
    post = bot.sender.share_link("alice", "payments", f"look at <{url}> and <{other}>")
    assert post.replies["link_shared"].ok
    unfurls = wait_for(lambda: bot.state.unfurls)
    assert [u.url for u in unfurls] == [url]
    content = unfurls[0].content
    assert 1 <= len(content["blocks"]) <= 10
    assert "payment-service" in blocks_text(content).lower()
    assert unfurls[0].ts == post.message.ts


def test_links_to_unknown_entities_or_other_pages_are_left_alone(bot: Bot) -> None:
    bot.sender.share_link(
        "alice",
        "payments",
        f"{CATALOG_URL}/catalog/default/component/no-such-thing {CATALOG_URL}/docs/x",
    )
    bot.idle()
    bot.sender.share_link("alice", "payments", f"{CATALOG_URL}/catalog/default/group/payments-team")
    wait_for(lambda: bot.state.unfurls)
    assert [u.url.rsplit("/", 1)[1] for u in bot.state.unfurls] == ["payments-team"]
    assert len(bot.state.calls("chat.unfurl")) == 1


def test_a_mention_is_answered_in_the_thread(bot: Bot) -> None:
    reply = bot.sender.app_mention("alice", "payments", "whois pmts")
    assert reply.ok
    answers = wait_for(lambda: [m for m in bot.bot_messages("bob", "payments") if m.thread_ts])
    question = next(m for m in bot.seen_by("bob", "payments") if m.source == "user")
    assert answers[0].thread_ts == question.ts
    assert "payment-service" in blocks_text(answers[0]).lower()


def test_a_direct_message_is_answered_in_the_conversation(bot: Bot) -> None:
    bot.sender.post_as_user("bob", "U0BOB", "oncall checkout-team")
    answers = wait_for(lambda: bot.bot_messages("bob", "U0BOB"))
    assert "Checkout" in blocks_text(answers[0])


def test_rate_limits_are_honoured(make_bot: MakeBot) -> None:
    state = StandinState.default(rate_limit=RateLimit(per_second=1.0, burst=1))
    bot = make_bot(state=state)
    for question in ("whois pmts", "whois ledger", "oncall payments-team"):
        bot.sender.post_as_user("alice", "payments", f"<@U0CALLBOARD> {question}", wait=False)
    answers = wait_for(
        lambda: len([m for m in bot.bot_messages("alice", "payments") if m.thread_ts]) == 3,
        timeout=20,
    )
    assert answers
    posts = bot.state.calls("chat.postMessage")
    assert [c.status for c in posts].count(429) >= 1
    assert [c.status for c in posts].count(200) == 3
    limited = [c for c in posts if c.status == 429]
    ok_after = [c for c in posts if c.status == 200 and c.at > limited[0].at]
    assert ok_after and ok_after[0].at - limited[0].at >= 1.0
