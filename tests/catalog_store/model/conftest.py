"""Pytest wiring of the shared fixture data (see ``model_fixture_data``).

Tests that request ``fixture_document`` run once per entity document of the shared
fixtures; tests that request ``broken_copy`` run once per applicable (entity,
breakage) pair. Both are skipped, with the reason, when ``../shared/fixtures`` is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from model_fixture_data import (
    ABSENT_REASON,
    OfficialSchemas,
    broken_copies,
    fixture_documents,
    official_schemas_or_none,
    require_fixtures,
)


@pytest.fixture(scope="session")
def official_schemas() -> OfficialSchemas:
    """Backstage's official JSON schemas (skips when the fixtures are absent)."""
    require_fixtures()
    schemas = official_schemas_or_none()
    assert schemas is not None
    return schemas


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The shared fixture folder (skips when it is absent)."""
    return require_fixtures()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``fixture_document`` and ``broken_copy`` over the fixture data."""
    absent = [pytest.param(None, marks=pytest.mark.skip(reason=ABSENT_REASON), id="absent")]
    if "fixture_document" in metafunc.fixturenames:
        documents = fixture_documents()
        metafunc.parametrize(
            "fixture_document",
            [pytest.param(d, id=d.label) for d in documents] or absent,
        )
    if "broken_copy" in metafunc.fixturenames:
        copies = broken_copies()
        metafunc.parametrize(
            "broken_copy",
            [pytest.param(c, id=f"{c.source.label}-{c.breakage}") for c in copies] or absent,
        )
