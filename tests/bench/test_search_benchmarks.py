"""The search benchmarks run end to end at small sizes, and the relevance labels are
well-formed, reproducible and point at entities that exist."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from bench import relevance_bench, search_bench
from bench.synthetic_catalog import generate
from catalog_store.search import SearchIndex, document_of


def test_search_bench_runs_at_500_entities(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = search_bench.main(
        [
            "--entities",
            "500",
            "--queries",
            "60",
            "--rounds",
            "2",
            "--changes",
            "20",
            "--work-dir",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    for figure in (
        "load from database",
        "index build alone",
        "memory: RSS added by the load",
        "memory: held by the index (tracemalloc)",
        "query p95",
        "refresh after 20 changed entities",
    ):
        assert figure in out, figure
    assert out.count("new text found: yes") == 2
    assert "MISS" not in out


def test_label_files_are_well_formed_and_large_enough() -> None:
    total = 0
    for corpus in ("synthetic", "real", "examples"):
        labels, header = relevance_bench.read_labels(relevance_bench.LABELS_DIR / f"{corpus}.tsv")
        assert labels, corpus
        total += len(labels)
        counts = Counter(label.category for label in labels)
        assert set(counts) >= set(relevance_bench.RULES), (corpus, counts)
        assert all(label.query.strip() and label.expected for label in labels)
        assert len({(x.category, x.query) for x in labels}) == len(labels)
        if corpus == "synthetic":
            assert header["entities"] == str(relevance_bench.SYNTHETIC_ENTITIES)
    assert total >= 300


def test_labels_derive_the_same_way_twice_and_never_from_the_engine(tmp_path: Path) -> None:
    layout = generate(tmp_path / "catalog", 400, git=False)
    documents = []
    for number, path in enumerate(sorted(layout.root.rglob("*.yaml"))):
        for position, body in enumerate(yaml.safe_load_all(path.read_text(encoding="utf-8"))):
            doc = document_of(f"{number}-{position}", body) if body else None
            if doc is not None:
                documents.append(doc)
    first = relevance_bench.derive(documents, 10, seed=3)
    assert first == relevance_bench.derive(documents, 10, seed=3)
    assert first != relevance_bench.derive(documents, 10, seed=4)
    known = {doc.entity_ref for doc in documents}
    assert all(set(label.expected) <= known for label in first)
    index = SearchIndex(documents)
    hits = [index.search(label.query, limit=20).hits for label in first]
    found = sum(
        bool({h.entity_ref for h in page} & set(x.expected))
        for page, x in zip(hits, first, strict=True)
    )
    assert found >= 0.9 * len(first)


def test_relevance_bench_on_the_example_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    code = relevance_bench.main(["--corpus", "examples"])
    out = capsys.readouterr().out
    assert "examples (all)" in out and "overall" in out
    assert "substr top-1" in out
    assert code == 0
