"""A wired Callboard over one catalog file, for tests of the assembled application."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.settings import load_settings
from bot.wiring import Wiring, build_wiring
from tests.catalog_store.ingest.conftest import write

API_TOKEN = "t0ken"


@contextmanager
def wiring_over(tmp_path: Path, database_url: str, catalog_yaml: str) -> Iterator[Wiring]:
    """Build the wiring of a configuration reading ``catalog_yaml``, with one API token."""
    write(tmp_path / "catalog/c.yaml", catalog_yaml)
    config = write(
        tmp_path / "callboard.yaml",
        f"""
        database:
          url: {database_url}
        auth:
          apiTokens: [{API_TOKEN}]
        catalog:
          refreshIntervalSeconds: 3600
          locations:
            - type: file
              target: ./catalog/c.yaml
    """,
    )
    built = build_wiring(load_settings(config))
    try:
        yield built
    finally:
        built.close()
