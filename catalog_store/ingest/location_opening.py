"""Opening a location: the source trees it reads and the targets its crawl starts from.

``file`` locations read a folder (the target's folder, or the fixed part of a glob);
``url`` locations read over HTTP; ``git`` locations are cloned or fetched, then read as a
folder with ``**/catalog-info.yaml`` (or ``catalogPath``) as the discovery glob. Every
location may also read http(s) URLs named by placeholders, from allowed hosts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from catalog_store.ingest.config import IngestConfig, LocationSpec
from catalog_store.ingest.crawler import TreeSet
from catalog_store.ingest.file_processing import FileContext, LocationTarget
from catalog_store.ingest.git_source import checkout
from catalog_store.ingest.placeholders import tree_reader
from catalog_store.ingest.rules import KindRules
from catalog_store.ingest.sources import FileTree, SourceTree, UrlTree, is_glob

DEFAULT_GIT_CATALOG_PATH = "**/catalog-info.yaml"


@dataclass(slots=True)
class OpenedLocation:
    """A location ready to crawl: its trees, root targets and revision."""

    trees: TreeSet
    roots: list[LocationTarget]
    revision: str | None
    primary: SourceTree


def open_location(spec: LocationSpec, config: IngestConfig, http: httpx.Client) -> OpenedLocation:
    """The trees and root targets of a location; a git location is cloned or fetched.

    Raises:
        SourceError: a git remote cannot be fetched.
    """
    limit = config.max_file_bytes
    url_tree = UrlTree(http, allowed_hosts=config.reading_hosts, max_bytes=limit)
    if spec.type == "url":
        return OpenedLocation(
            TreeSet({"url": url_tree}),
            [LocationTarget("url", spec.target, None)],
            None,
            url_tree,
        )
    if spec.type == "git":
        repo = checkout(spec.target, branch=spec.branch, cache_dir=config.git_cache_dir)
        prefix = f"git:{repo.remote}#"
        tree = FileTree(repo.path, max_bytes=limit, annotation_prefix=prefix)
        pattern = spec.catalog_path or DEFAULT_GIT_CATALOG_PATH
        return OpenedLocation(
            TreeSet({"file": tree, "url": url_tree}),
            [LocationTarget("file", pattern.lstrip("/"), None)],
            repo.revision,
            tree,
        )
    path = config.base_dir / spec.target
    root_dir = fixed_prefix(path)
    tree = FileTree(root_dir if root_dir.is_dir() else path.parent, max_bytes=limit)
    return OpenedLocation(
        TreeSet({"file": tree, "url": url_tree}),
        [LocationTarget("file", str(path), None)],
        None,
        tree,
    )


def file_context(
    spec: LocationSpec, opened: OpenedLocation, config: IngestConfig, origin: str
) -> FileContext:
    """What processing the files of an opened location needs."""
    rules = KindRules.from_config(rule_list(config.rules), rule_list(spec.rules))
    url_tree = opened.trees.for_type("url")
    return FileContext(
        location_type="url" if spec.type == "url" else "file",
        origin_annotation=origin,
        rules=rules,
        reader=tree_reader(opened.primary, url_tree),
        annotation=opened.primary.annotation,
    )


def fixed_prefix(path: Path) -> Path:
    """The part of a (possibly glob) path before its first glob segment."""
    parts: list[str] = []
    for part in path.parts:
        if is_glob(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")


def rule_list(rules: tuple[dict[str, Any], ...] | None) -> list[dict[str, Any]] | None:
    """Rules as the list KindRules takes (None stays None: Backstage's default)."""
    return list(rules) if rules is not None else None
