"""Slack stays in ``bot/``: commands, workflows and the catalog never import its SDKs."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SLACK_PACKAGES = ("slack_sdk", "slack_bolt")
CORE = ("commands", "workflows", "catalog_store")


def slack_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and (getattr(node.func, "id", None) or getattr(node.func, "attr", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names = [str(node.args[0].value)]
        line = getattr(node, "lineno", 0)
        found += [
            f"{path.relative_to(REPO)}:{line}: {n}"
            for n in names
            if n.split(".")[0] in SLACK_PACKAGES
        ]
    return found


def test_only_bot_imports_slack_packages() -> None:
    files = [f for package in CORE for f in sorted((REPO / package).rglob("*.py"))]
    assert len(files) > 50
    offending = [line for path in files for line in slack_imports(path)]
    assert offending == []


def test_the_scan_finds_slack_imports() -> None:
    sample = REPO / "bot" / "slack_app" / "bolt_app.py"
    assert any("slack_bolt" in line for line in slack_imports(sample))
