"""Routing typed commands: verbs, aliases, did-you-mean, help from docstrings, failures."""

from __future__ import annotations

import dataclasses

import pytest

from commands.dispatch import CommandRouter, ErrorReply, HelpReply, Invocation
from commands.find import FindAnswer
from commands.oncall import OnCallReply
from commands.owner import OwnerReply
from commands.services import Discovery
from commands.whois import WhoisAnswer


@pytest.fixture
def router(discovery: Discovery) -> CommandRouter:
    return CommandRouter(discovery, root="/idp")


def test_the_first_word_is_the_verb(router: CommandRouter) -> None:
    reply = router.handle(Invocation("whois payment srvice"))
    assert isinstance(reply, WhoisAnswer)
    assert reply.entity.ref == "component:default/payment-service"
    assert isinstance(router.handle(Invocation("find kind:api payments")), FindAnswer)
    assert isinstance(router.handle(Invocation("oncall checkout-team")), OnCallReply)


def test_a_per_verb_command_takes_the_whole_text(router: CommandRouter) -> None:
    reply = router.handle(Invocation("pmts", verb="whois"))
    assert isinstance(reply, WhoisAnswer)
    assert reply.entity.name == "payment-service"


def test_a_mistyped_verb_gets_did_you_mean(router: CommandRouter) -> None:
    reply = router.handle(Invocation("whoiss payments"))
    assert isinstance(reply, ErrorReply)
    assert reply.did_you_mean == "whois payments"
    assert "/idp whois payments" in reply.message


def test_words_without_a_verb_are_a_whois_question(router: CommandRouter) -> None:
    reply = router.handle(Invocation("ledger service"))
    assert isinstance(reply, WhoisAnswer)
    assert reply.entity.name == "ledger-service"


@pytest.mark.parametrize("text", ["", "help", "  HELP  "])
def test_help_lists_every_verb_from_its_docstring(router: CommandRouter, text: str) -> None:
    reply = router.handle(Invocation(text))
    assert isinstance(reply, HelpReply)
    names = [v.name for v in reply.verbs]
    assert names == ["whois", "find", "oncall", "owner", "notifications", "help"]
    whois_help = reply.verbs[0]
    assert whois_help.summary.startswith("Show an entity with its owner team")
    assert whois_help.usage == "whois NAME-OR-WORDS"


def test_help_for_one_verb(router: CommandRouter) -> None:
    reply = router.handle(Invocation("help oncall"))
    assert isinstance(reply, HelpReply)
    assert [v.name for v in reply.verbs] == ["oncall"]


def test_owner_alone_answers_about_the_person_asking(router: CommandRouter) -> None:
    reply = router.handle(Invocation("owner", user_email="Alice@acme.example"))
    assert isinstance(reply, OwnerReply)
    assert reply.me is not None
    assert "group:default/payments-team" in {g.ref for g in reply.me.groups}
    assert reply.me.owned is not None and reply.me.owned.total >= 1


def test_owner_of_an_entity(router: CommandRouter) -> None:
    reply = router.handle(Invocation("owner ledger"))
    assert isinstance(reply, OwnerReply)
    assert reply.owner is not None and reply.owner.owner_ref == "group:default/payments-team"


@pytest.mark.parametrize(
    ("email", "message"),
    [(None, "cannot tell who you are"), ("nobody@else.example", "No catalog User")],
)
def test_owner_alone_without_a_known_person(
    router: CommandRouter, email: str | None, message: str
) -> None:
    reply = router.handle(Invocation("owner", user_email=email))
    assert isinstance(reply, ErrorReply)
    assert message in reply.message


def test_bad_input_is_answered_not_raised(router: CommandRouter) -> None:
    assert isinstance(router.handle(Invocation("find")), ErrorReply)
    assert isinstance(router.handle(Invocation("find colour:blue")), ErrorReply)
    long = router.handle(Invocation("whois " + "payments " * 500))
    assert isinstance(long, WhoisAnswer | ErrorReply)


def test_a_failing_service_is_a_message_and_a_log(
    discovery: Discovery, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        def search(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("database is gone")

    router = CommandRouter(dataclasses.replace(discovery, search=Broken()))  # type: ignore[arg-type]
    reply = router.handle(Invocation("find payments"))
    assert isinstance(reply, ErrorReply)
    assert "Something went wrong" in reply.message
    assert "database is gone" not in reply.message
    assert "command find failed" in caplog.text
