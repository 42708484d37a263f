"""A small catalog of teams, people and software, ingested into a real database.

The hierarchy: ``acme`` (channel ``C0ACME``) > ``engineering`` (no channel) >
``payments-team`` (channel ``C0PAY``) > ``ledger-squad`` (no channel), and a cycle of
parents ``loop-a`` > ``loop-b`` > ``loop-c`` > ``loop-a`` where only ``loop-b`` has a
channel. Components with the ``acme.example/v1`` apiVersion are outside Backstage's
kind schemas, so they may leave out ``spec.owner`` and be owned through their system.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from catalog_store.ingest.apply import ApplyStats
from catalog_store.ingest.config import IngestConfig, LocationSpec
from catalog_store.ingest.service import CatalogService
from catalog_store.ownership import Ownership
from tests.catalog_store.ingest.conftest import ALL_KINDS, write
from tests.conftest import CatalogDb

ORG = """
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: acme
  title: Acme
  annotations:
    slack.com/channel-id: C0ACME
    slack.com/channel-name: acme-all
spec:
  type: organization
  profile: {email: everyone@acme.example}
  children: [engineering]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: engineering, title: Engineering}
spec: {type: department, parent: acme, children: [payments-team]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments-team
  title: Payments
  annotations: {slack.com/channel-id: C0PAY, slack.com/channel-name: payments}
spec:
  type: team
  parent: engineering
  profile: {displayName: Payments people, email: payments@acme.example}
  children: []
  members: [alice, bob]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: ledger-squad}
spec:
  type: squad
  parent: payments-team
  profile: {displayName: Ledger squad}
  children: []
  members: [zed]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: loop-a}
spec: {type: team, parent: loop-b, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: loop-b
  annotations: {slack.com/channel-id: C0LOOPB}
spec: {type: team, parent: loop-c, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: loop-c}
spec: {type: team, parent: loop-a, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: orphan-squad}
spec: {type: squad, parent: vanished-department, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: alice
  annotations: {slack.com/user-id: U0ALICE}
spec:
  profile: {displayName: Alice Moreau, email: alice@acme.example}
  memberOf: [payments-team]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: bob}
spec:
  profile: {displayName: Bob Okafor, email: Bob.Okafor@Acme.example}
  memberOf: [payments-team]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: carol}
spec:
  profile: {displayName: Carol Tan}
  memberOf: [ledger-squad, loop-a]
"""

SOFTWARE = """
apiVersion: backstage.io/v1alpha1
kind: Domain
metadata: {name: commerce, title: Commerce}
spec: {owner: engineering}
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: payments, title: Payments}
spec: {owner: payments-team, domain: commerce}
---
apiVersion: acme.example/v1
kind: System
metadata: {name: shared-tools}
spec: {domain: commerce}
---
apiVersion: acme.example/v1
kind: System
metadata: {name: adrift}
spec: {}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: payment-service, title: Payment Service}
spec: {type: service, lifecycle: production, owner: payments-team, system: payments}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: payments-api}
spec:
  type: grpc
  lifecycle: production
  owner: group:payments-team
  system: payments
  definition: "syntax = 'proto3';"
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ledger}
spec: {type: service, lifecycle: production, owner: ledger-squad, system: payments}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: ledger-db}
spec: {type: database, owner: ledger-squad}
---
apiVersion: acme.example/v1
kind: Component
metadata: {name: sidecar}
spec: {type: library, system: payments}
---
apiVersion: acme.example/v1
kind: Component
metadata: {name: widget}
spec: {type: library, system: shared-tools}
---
apiVersion: acme.example/v1
kind: Component
metadata: {name: lonely}
spec: {type: library, system: adrift}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ghost-owned}
spec: {type: service, lifecycle: production, owner: ghost-team}
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: haunted}
spec: {owner: ghost-team}
---
apiVersion: acme.example/v1
kind: Component
metadata: {name: spooky}
spec: {type: library, system: haunted}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: personal-tool}
spec: {type: tool, lifecycle: experimental, owner: user:alice}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: looped-service}
spec: {type: service, lifecycle: production, owner: loop-a}
"""


def ingest_catalog(db: CatalogDb, root: Path, files: dict[str, str]) -> ApplyStats:
    """Write ``files`` (name to YAML) under ``root`` and ingest them into ``db``, error-free.

    Ingesting again into the same ``root`` applies the changes.
    """
    for name, text in files.items():
        write(root / name, text)
    targets = ", ".join(f"./{name}" for name in files)
    location = write(
        root / "all.yaml",
        f"""
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata: {{name: all}}
        spec: {{targets: [{targets}]}}
        """,
    )
    config = IngestConfig(
        locations=(LocationSpec("file", str(location)),),
        rules=ALL_KINDS,
        base_dir=root,
        reading_hosts=(),
        git_cache_dir=root / "git-cache",
    )
    (stats,) = CatalogService(db.sessions, config).refresh_all().values()
    assert stats.errors == []
    return stats


CATALOG_FILES = {"org.yaml": ORG, "software.yaml": SOFTWARE}


@pytest.fixture
def acme_db(catalog_db: CatalogDb, tmp_path: Path) -> CatalogDb:
    """``catalog_db`` holding the catalog above."""
    stats = ingest_catalog(catalog_db, tmp_path / "catalog", CATALOG_FILES)
    assert stats.added == 1 + sum(text.count("\nkind: ") for text in CATALOG_FILES.values())
    return catalog_db


@pytest.fixture
def ownership(acme_db: CatalogDb) -> Ownership:
    """Ownership answers over the ingested catalog."""
    return Ownership(acme_db.sessions)


@dataclass
class StatementLog:
    """SQL statements sent while counting (transaction control left out)."""

    statements: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.statements)


@contextmanager
def counting_statements(db: CatalogDb) -> Iterator[StatementLog]:
    """Record the statements the engine sends inside the block."""
    log = StatementLog()

    def record(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            log.statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
