"""The part of Go's text/template (with sprig's toJson) that Callboard's Argo CD templates use.

Argo CD renders notification templates with Go's text/template over the Application as
unstructured JSON. This renders ``{{ .path }}``, ``{{ .path | toJson }}`` and
``{{ with .path }}...{{ else }}...{{ end }}`` the same way: a missing map key is nil, and
following a field of nil is an error, as in Go.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_ACTION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


class TemplateError(Exception):
    """The template cannot be parsed or executed (Go would fail the notification)."""


@dataclass
class _With:
    pipeline: str
    body: list[Any] = field(default_factory=list)
    otherwise: list[Any] = field(default_factory=list)


@dataclass
class _Print:
    pipeline: str


def _parse(template: str) -> list[Any]:
    root: list[Any] = []
    stack: list[tuple[list[Any], _With | None]] = [(root, None)]
    position = 0
    for match in _ACTION.finditer(template):
        target = stack[-1][0]
        if match.start() > position:
            target.append(template[position : match.start()])
        position = match.end()
        action = match.group(1)
        if action.startswith("-") or action.endswith("-"):
            raise TemplateError("whitespace trimming is not supported here")
        action = action.strip()
        if action.startswith("with "):
            node = _With(action[5:].strip())
            target.append(node)
            stack.append((node.body, node))
        elif action == "else":
            owner = stack[-1][1]
            if owner is None:
                raise TemplateError("else outside with")
            stack[-1] = (owner.otherwise, owner)
        elif action == "end":
            if len(stack) == 1:
                raise TemplateError("unexpected end")
            stack.pop()
        else:
            target.append(_Print(action))
    if len(stack) != 1:
        raise TemplateError("missing end")
    stack[0][0].append(template[position:])
    return root


def _lookup(path: str, dot: Any, root: Any) -> Any:
    if path == ".":
        return dot
    if path.startswith("$"):
        value, path = root, path[1:]
    else:
        value = dot
    if not path.startswith("."):
        raise TemplateError(f"unsupported expression {path!r}")
    for name in path[1:].split("."):
        if value is None:
            raise TemplateError(f"nil pointer evaluating interface {{}}.{name}")
        if not isinstance(value, dict):
            raise TemplateError(f"can't evaluate field {name} in type {type(value).__name__}")
        value = value.get(name)
    return value


def _evaluate(pipeline: str, dot: Any, root: Any) -> Any:
    path, *functions = (part.strip() for part in pipeline.split("|"))
    value = _lookup(path, dot, root)
    for function in functions:
        if function != "toJson":
            raise TemplateError(f"function {function!r} is not supported here")
        value = json.dumps(value, ensure_ascii=False)
    return value


def _truthy(value: Any) -> bool:
    return value not in (None, False, 0, "") and value != {} and value != []


def _execute(nodes: list[Any], dot: Any, root: Any, out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, _Print):
            value = _evaluate(node.pipeline, dot, root)
            out.append("<no value>" if value is None else str(value))
        else:
            value = _evaluate(node.pipeline, dot, root)
            if _truthy(value):
                _execute(node.body, value, root, out)
            else:
                _execute(node.otherwise, dot, root, out)


def render(template: str, data: dict[str, Any]) -> str:
    """Execute ``template`` with ``data`` as dot, as Go's text/template would."""
    out: list[str] = []
    _execute(_parse(template), data, data, out)
    return "".join(out)
