"""Offline validation of catalog files, for ``callboard catalog validate`` in CI pipelines.

Files are read exactly as ingestion reads them (Location targets followed, globs expanded,
cycles and missing files reported, local placeholders resolved); remote placeholders are
not fetched and the fields they fill are not judged. Nothing is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from catalog_store.catalog_writer import ProcessingError
from catalog_store.ingest.crawler import Crawler, TreeSet
from catalog_store.ingest.file_processing import FileContext, LocationTarget
from catalog_store.ingest.placeholders import tree_reader
from catalog_store.ingest.rules import KindRules
from catalog_store.ingest.sources import DEFAULT_MAX_FILE_BYTES, FileTree

DEFAULT_FOLDER_PATTERN = "**/catalog-info.yaml"


@dataclass(slots=True)
class ValidationReport:
    """What validation found."""

    files: int = 0
    entities: int = 0
    errors: list[ProcessingError] = field(default_factory=list)


def validate_paths(
    paths: Sequence[Path],
    *,
    rules: KindRules | None = None,
    folder_pattern: str = DEFAULT_FOLDER_PATTERN,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> ValidationReport:
    """Validate files, and folders by ``folder_pattern``; errors name file, line and field."""
    report = ValidationReport()
    for path in paths:
        path = path.resolve()
        if not path.exists():
            report.errors.append(ProcessingError(str(path), "no such file or folder"))
            continue
        root = path if path.is_dir() else path.parent
        target = str(path / folder_pattern) if path.is_dir() else str(path)
        tree = FileTree(root, max_bytes=max_file_bytes)
        context = FileContext(
            location_type="file",
            origin_annotation=f"file:{path}",
            rules=rules or KindRules.everything(),
            reader=tree_reader(tree, None),
            annotation=tree.annotation,
            skip_remote_placeholders=True,
        )
        crawler = Crawler(TreeSet({"file": tree}), context, {})
        seen: dict[str, str] = {}
        for visit in crawler.crawl([LocationTarget("file", target, None)]):
            report.files += 1
            report.errors.extend(visit.errors)
            if visit.result is None:
                continue
            report.errors.extend(visit.result.errors)
            for candidate in visit.result.entities:
                report.entities += 1
                first = seen.setdefault(candidate.key, f"{candidate.display}:{candidate.line}")
                if first != f"{candidate.display}:{candidate.line}":
                    report.errors.append(
                        ProcessingError(
                            candidate.display,
                            f"duplicate entity {candidate.ref}: already defined at {first}",
                            line=candidate.line,
                            entity_ref=candidate.key,
                        )
                    )
        report.errors.extend(crawler.root_errors)
    return report
