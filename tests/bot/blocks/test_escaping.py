"""Catalog text cannot ping, mention, link or format; only checked ids become mentions."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.blocks.escaping import (
    channel_link,
    date_token,
    escape,
    escape_specials,
    link,
    mention,
    safe_url,
)

RENDER_JS = Path(__file__).resolve().parents[3] / "bot" / "slack_standin" / "static" / "render.js"

HOSTILE = [
    "<!channel>",
    "<!here|here>",
    "<!everyone>",
    "<@U0ALICE>",
    "<#C0PAYMENTS>",
    "<https://evil.example|click>",
    "<mailto:x@evil.example|mail>",
    "@here and @channel and @Everyone",
    "&amp; &lt;b&gt;",
    "*bold* _italic_ ~strike~ `code` ```block```",
    "> a quote\n>another",
    "a*b* c_d_ e~f~",
]


def test_specials_become_entities() -> None:
    assert escape("<!channel>") == "&lt;!channel&gt;"
    assert escape("<https://evil|click>") == "&lt;https://evil|click&gt;"
    assert escape("&amp;") == "&amp;amp;"
    assert escape("a & b") == "a &amp; b"


def test_broadcasts_are_broken_with_a_word_joiner() -> None:
    assert escape("ping @here now") == "ping @\u2060here now"
    assert escape("@channel") == "@\u2060channel"
    assert escape("mail me@heresy.example") == "mail me@heresy.example"
    assert escape_specials("@everyone <b>") == "@\u2060everyone &lt;b&gt;"


def test_markers_are_replaced_unless_inside_a_word() -> None:
    assert escape("payment_service") == "payment_service"
    assert escape("_private_") == "\u02cdprivate\u02cd"
    assert escape("*bold*") == "\u2217bold\u2217"
    assert escape("a*b") == "a\u2217b"
    assert escape("~x~") == "\u223cx\u223c"
    assert escape("`code`") == "\u02cbcode\u02cb"


def test_a_leading_quote_is_not_a_quote() -> None:
    assert escape("> quoted\nplain\n>again") == "\u00ad&gt; quoted\nplain\n\u00ad&gt;again"


def test_mentions_only_for_valid_user_ids() -> None:
    assert mention("U0ALICE") == "<@U0ALICE>"
    assert mention("W012ABC") == "<@W012ABC>"
    for bad in ["", None, "u0alice", "U0", "U0ALICE>", "U0A|<!channel>", "C0PAYMENTS", "U0 ALICE"]:
        assert mention(bad) is None


def test_channel_links_only_for_valid_channel_ids() -> None:
    assert channel_link("C0PAYMENTS") == "<#C0PAYMENTS>"
    assert channel_link("G0PRIVATE") == "<#G0PRIVATE>"
    for bad in ["", None, "c0payments", "C0", "C0PAY>", "U0ALICE", "#payments"]:
        assert channel_link(bad) is None


def test_only_short_http_urls_are_kept() -> None:
    assert safe_url("https://grafana.acme.example/d/x?a=1&b=2") is not None
    assert safe_url("http://x.example") == "http://x.example"
    for bad in [
        "javascript:alert(1)",
        "ftp://x.example",
        "https://x.example/" + "a" * 3000,
        "https://x.example/a b",
        "https://x.example/\n",
        None,
        "",
    ]:
        assert safe_url(bad) is None


def test_links_escape_the_url_and_the_label() -> None:
    made = link("https://x.example/?a=1&b=2|x", "<!here> *docs*")
    assert made == "<https://x.example/?a=1&amp;b=2%7Cx|&lt;!here&gt; \u2217docs\u2217>"


def test_dates_carry_a_utc_fallback() -> None:
    moment = datetime(2024, 1, 3, 11, 0, tzinfo=UTC)
    assert date_token(moment) == (
        "<!date^1704279600^{date_short_pretty} {time}|2024-01-03 11:00 UTC>"
    )


def render_mrkdwn(texts: list[str]) -> list[str]:
    """The stand-in page's mrkdwn renderer (Slack's rules, run by Node.js)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("`node` is needed to render mrkdwn as the stand-in's page does")
    program = (
        f"const r = require({json.dumps(str(RENDER_JS))});\n"
        f"console.log(JSON.stringify({json.dumps(texts)}.map((t) => r.mrkdwn(t))));"
    )
    result = subprocess.run(
        [node, "-e", program], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr
    rendered: list[str] = json.loads(result.stdout)
    return rendered


def test_escaped_text_renders_as_plain_text() -> None:
    rendered = render_mrkdwn([escape(text) for text in HOSTILE])
    for source, html in zip(HOSTILE, rendered, strict=True):
        assert "<" not in html.replace("<br>", ""), (source, html)  # no markup but breaks
    assert rendered[0] == "&lt;!channel&gt;"
    assert rendered[5] == "&lt;https://evil.example|click&gt;"
    assert rendered[8] == "&amp;amp; &amp;lt;b&amp;gt;"


def test_the_renderer_would_have_formatted_them() -> None:
    rendered = render_mrkdwn(HOSTILE)
    assert sum("<" in html for html in rendered) >= 8
