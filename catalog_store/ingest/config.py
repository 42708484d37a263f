"""Plain settings of ingestion, built by the composition root from ``callboard.yaml``."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_READING_HOSTS = ("github.com", "raw.githubusercontent.com", "gitlab.com")
LOCATION_TYPES = ("file", "url", "git")


@dataclass(frozen=True, slots=True)
class LocationSpec:
    """A root location: Backstage's ``{type, target}``, plus ``branch``/``catalogPath`` for git."""

    type: str
    target: str
    rules: tuple[dict[str, Any], ...] | None = None
    branch: str | None = None
    catalog_path: str | None = None

    @property
    def key(self) -> str:
        """A stable identity of the location."""
        payload = json.dumps([self.type, self.target, self.branch, self.catalog_path])
        return hashlib.sha256(payload.encode()).hexdigest()

    def options(self) -> dict[str, Any]:
        """What the location row keeps besides type and target."""
        return {
            "rules": list(self.rules) if self.rules is not None else None,
            "branch": self.branch,
            "catalogPath": self.catalog_path,
        }

    @classmethod
    def from_row(cls, type: str, target: str, options: dict[str, Any] | None) -> LocationSpec:
        """Rebuild a spec from a stored location."""
        options = options or {}
        rules = options.get("rules")
        return cls(
            type=type,
            target=target,
            rules=tuple(rules) if rules is not None else None,
            branch=options.get("branch"),
            catalog_path=options.get("catalogPath"),
        )


@dataclass(frozen=True, slots=True)
class IngestConfig:
    """Everything ingestion needs, with defaults fit for a laptop."""

    locations: tuple[LocationSpec, ...] = ()
    rules: tuple[dict[str, Any], ...] | None = None
    base_dir: Path = field(default_factory=Path.cwd)
    allowed_file_roots: tuple[Path, ...] = ()
    reading_hosts: tuple[str, ...] = DEFAULT_READING_HOSTS
    git_cache_dir: Path = Path(".callboard/git")
    max_file_bytes: int = 10 * 1024 * 1024
    orphan_grace_seconds: float = 24 * 3600
    http_timeout_seconds: float = 10.0
