"""Helpers for the terraform summary tests: fixture files, the secrets in them, and checks
every rendered text must pass."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

TERRAFORM_DIR = "terraform"
ITEM_LINE = re.compile(r"^\u2022 \S.*$")
HEADER_LINE = re.compile(r"^\*[^*]+ \((\d+)\)\*$")
MORE_LINE = re.compile(r"^\.\.\. and (\d+) more$")
LOOSE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")


def terraform_fixtures(shared_fixtures: Path) -> Path:
    """The terraform fixture folder under the shared fixtures."""
    return shared_fixtures / TERRAFORM_DIR


def fixture_lines(path: Path) -> list[str]:
    """A streamed log's lines."""
    return path.read_text(encoding="utf-8").splitlines()


def _masked(value: Any, mask: Any) -> Iterator[Any]:
    """The parts of ``value`` that ``mask`` marks sensitive."""
    if mask is True:
        yield value
    elif isinstance(mask, Mapping) and isinstance(value, Mapping):
        for key, part in mask.items():
            if key in value:
                yield from _masked(value[key], part)
    elif isinstance(mask, list) and isinstance(value, list):
        for part_value, part_mask in zip(value, mask, strict=False):
            yield from _masked(part_value, part_mask)


def _scalars(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for part in value.values():
            yield from _scalars(part)
    elif isinstance(value, list):
        for part in value:
            yield from _scalars(part)
    elif isinstance(value, str):
        yield value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield json.dumps(value)


def _module_resources(module: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield from module.get("resources") or []
    for child in module.get("child_modules") or []:
        yield from _module_resources(child)


def plan_secrets(plan: Mapping[str, Any]) -> set[str]:
    """Every string or number a ``show -json`` plan marks sensitive, wherever it is."""
    found: list[Any] = []
    for key in ("resource_changes", "resource_drift"):
        for entry in plan.get(key) or []:
            change = entry.get("change") or {}
            found.extend(_masked(change.get("before"), change.get("before_sensitive")))
            found.extend(_masked(change.get("after"), change.get("after_sensitive")))
    states = [plan.get("planned_values") or {}, (plan.get("prior_state") or {}).get("values") or {}]
    for state in states:
        for resource in _module_resources(state.get("root_module") or {}):
            found.extend(_masked(resource.get("values"), resource.get("sensitive_values")))
        for output in (state.get("outputs") or {}).values():
            if output.get("sensitive") is True:
                found.append(output.get("value"))
    configuration = (plan.get("configuration") or {}).get("root_module") or {}
    for name, output in (plan.get("output_changes") or {}).items():
        marked = ((configuration.get("outputs") or {}).get(name) or {}).get("sensitive") is True
        for side in ("before", "after"):
            mask = True if marked else output.get(f"{side}_sensitive")
            found.extend(_masked(output.get(side), mask))
    for name, variable in (configuration.get("variables") or {}).items():
        if variable.get("sensitive") is True:
            found.append(((plan.get("variables") or {}).get(name) or {}).get("value"))
    return {text for value in found for text in _scalars(value)}


def stream_secrets(lines: list[str]) -> set[str]:
    """Every output value a streamed log marks sensitive."""
    found: set[str] = set()
    for line in lines:
        message = json.loads(line) if line.strip() else {}
        if message.get("type") != "outputs":
            continue
        for output in message.get("outputs", {}).values():
            if output.get("sensitive") is True and "value" in output:
                found.update(_scalars(output["value"]))
    return found


def assert_no_secret(text: str, secrets: set[str], harmless: str = "") -> None:
    """No secret in ``text``: never quoted as a value is shown, and never bare unless the
    secret also occurs in ``harmless`` (names and addresses, where a short secret such as
    ``bar`` can occur by chance)."""
    for secret in secrets:
        assert json.dumps(secret) not in text, f"secret {secret!r} shown quoted"
        if secret not in harmless:
            assert secret not in text, f"secret {secret!r} shown"


def assert_slack_safe(text: str, max_chars: int) -> None:
    """Within ``max_chars`` UTF-16 units, no raw ``<``/``>``/``&``, whole lines only, and
    every section's shown items plus its "... and N more" add up to its count."""
    assert len(text.encode("utf-16-le")) // 2 <= max_chars
    assert "<" not in text and ">" not in text
    assert not LOOSE_AMPERSAND.search(text)
    lines = text.split("\n")
    assert lines[0].startswith("*Terraform")
    expected: int | None = None
    seen = 0
    for line in [*lines[1:], "*End (0)*"]:
        header = HEADER_LINE.match(line)
        more = MORE_LINE.match(line)
        if header:
            if expected is not None:
                assert seen == expected, f"section shows {seen} of {expected} items"
            expected, seen = int(header.group(1)), 0
        elif more:
            seen += int(more.group(1))
        else:
            assert ITEM_LINE.match(line), f"not a whole item line: {line!r}"
            assert line.count("`") % 2 == 0, f"code span cut: {line!r}"
            seen += 1
