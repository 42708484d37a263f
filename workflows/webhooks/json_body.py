"""Reading a verified body as JSON without letting it cost more than its size.

The standard parser recurses once per nesting level and turns any run of digits into an
int, so a small body can still be expensive. The nesting depth is measured first, in a
linear scan that does not recurse, and numbers are bounded while they are parsed.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

from workflows.webhooks.errors import malformed

MAX_DEPTH = 64
"""Objects and arrays nested deeper than this are refused."""

MAX_NUMBER_CHARS = 40
"""Numbers written with more characters than this are refused."""

# A string, or an unterminated one up to the end: every match attempt that starts at a
# quote succeeds, so the scan never restarts inside a string it already read.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.?)*+"?', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_DEPTH_STEP = [0] * 256
for _opening in b"[{":
    _DEPTH_STEP[_opening] = 1
for _closing in b"]}":
    _DEPTH_STEP[_closing] = -1


class _NumberRefused(Exception):
    """A number in the body is too long or not finite."""


def nesting_depth(body: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest (0 for a scalar).

    Strings are skipped so brackets inside them do not count. Runs in linear time with
    constant stack, whatever the input.
    """
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    return max(0, max(accumulate(map(_DEPTH_STEP.__getitem__, brackets))))


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _NumberRefused("a number in the body is too large")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _NumberRefused("a number in the body is too large")
    value = float(text)
    if not math.isfinite(value):
        raise _NumberRefused("a number in the body is too large")
    return value


def _refuse_constant(name: str) -> Any:
    raise _NumberRefused(f"{name} is not valid JSON")


def load_json(body: bytes) -> Any:
    """Parse ``body`` (UTF-8 JSON) with bounded depth and numbers.

    Raises:
        WebhookError: 400 when the body is not UTF-8, not JSON, nests deeper than
            :data:`MAX_DEPTH` or holds a number longer than :data:`MAX_NUMBER_CHARS`.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise malformed("the body is not UTF-8 text") from None
    text = text.removeprefix("\ufeff")
    if nesting_depth(body) > MAX_DEPTH:
        raise malformed(f"the JSON body nests deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_refuse_constant,
        )
    except _NumberRefused as error:
        raise malformed(str(error)) from None
    except json.JSONDecodeError as error:
        raise malformed(
            f"the body is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except (ValueError, RecursionError):
        raise malformed("the body is not valid JSON") from None


def load_json_object(body: bytes) -> dict[str, Any]:
    """:func:`load_json`, and the result must be a JSON object."""
    value = load_json(body)
    if not isinstance(value, dict):
        raise malformed("the body must be a JSON object")
    return value
