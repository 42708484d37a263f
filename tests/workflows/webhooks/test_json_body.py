"""Bodies that are not plain JSON objects: refused with a 400 and a reason, never a crash."""

from __future__ import annotations

import sys
import time

import pytest

from tests.workflows.webhooks.signing import NOW, SECRETS, generic_headers
from workflows.webhooks import WebhookError, parse_webhook
from workflows.webhooks.json_body import MAX_DEPTH, load_json, nesting_depth


def refusal(body: bytes) -> WebhookError:
    """Post ``body`` correctly signed to the generic route and return the refusal."""
    with pytest.raises(WebhookError) as refused:
        parse_webhook("generic", generic_headers(body), body, SECRETS, now=NOW)
    assert refused.value.status == 400
    return refused.value


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b"1", 0),
        (b"{}", 1),
        (b'{"a": [1, {"b": [[]]}]}', 5),
        (b'{"a": "[[[[{{{{"}', 1),
        (b'{"a": "quote \\" then [[["}', 1),
        (b'["\\\\", [[]]]', 3),
        (b'"unterminated [[[', 0),
    ],
)
def test_nesting_depth_skips_strings(body: bytes, depth: int) -> None:
    assert nesting_depth(body) == depth


def test_nesting_at_the_limit_is_fine_and_beyond_is_refused() -> None:
    at_limit = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert load_json(at_limit) == eval("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    beyond = b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1)
    assert refusal(beyond).message == f"the JSON body nests deeper than {MAX_DEPTH} levels"


def test_a_json_bomb_is_refused_quickly_without_recursion() -> None:
    bomb = b"[" * 999_000 + b"]" * 999
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        started = time.perf_counter()
        error = refusal(bomb)
        elapsed = time.perf_counter() - started
    finally:
        sys.setrecursionlimit(limit)
    assert "nests deeper" in error.message
    assert elapsed < 1.0


def test_many_quotes_scan_in_linear_time() -> None:
    body = b'"\\' * 333_000
    started = time.perf_counter()
    assert nesting_depth(body) == 0
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"n": ' + b"9" * 5000 + b"}", "a number in the body is too large"),
        (b'{"n": 1e400}', "a number in the body is too large"),
        (b'{"n": -1e400}', "a number in the body is too large"),
        (b'{"n": 0.' + b"1" * 100 + b"}", "a number in the body is too large"),
        (b'{"n": NaN}', "NaN is not valid JSON"),
        (b'{"n": Infinity}', "Infinity is not valid JSON"),
        (b"\xff\xfe{}", "the body is not UTF-8 text"),
        (b'{"a": "\xc3\x28"}', "the body is not UTF-8 text"),
        (b"", "the body is not valid JSON"),
        (b'{"a": 1,}', "the body is not valid JSON"),
        (b"{'a': 1}", "the body is not valid JSON"),
        (b'{"a": 1} {"b": 2}', "the body is not valid JSON: Extra data"),
        (b"[]", "the body must be a JSON object"),
        (b'"a string"', "the body must be a JSON object"),
        (b"null", "the body must be a JSON object"),
    ],
)
def test_bodies_that_are_not_json_objects(body: bytes, message: str) -> None:
    assert refusal(body).message.startswith(message)


def test_plain_numbers_still_parse() -> None:
    assert load_json(b'{"a": 12, "b": -3.5e2, "c": 123456789012345678901234567890}') == {
        "a": 12,
        "b": -350.0,
        "c": 123456789012345678901234567890,
    }


def test_a_byte_order_mark_is_tolerated() -> None:
    assert load_json(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}
