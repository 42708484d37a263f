"""Speed and memory of catalog search on a synthetic catalog.

A catalog of ``--entities`` entities is generated (:mod:`bench.synthetic_catalog`) and
ingested into a fresh database by a separate process; this process then measures:

* **load**: :meth:`CatalogSearch.load` (read every entity, parse, index) and, apart, the
  index build alone from the documents;
* **memory**: the resident set size the load adds, and the Python memory the loaded index
  holds according to ``tracemalloc`` (a second load, traced);
* **queries**: latency of :meth:`CatalogSearch.search` over a seeded mix of queries
  (exact names, typos, swapped words, prefixes, abbreviations, single words, a tag and a
  word, words with filters, filters alone), after a warm-up;
* **incremental update**: ``--changes`` components get a new description in their files,
  the catalog re-ingests them, and :meth:`CatalogSearch.refresh` is timed (several rounds);
  also the cost of :meth:`CatalogSearch.refresh_if_due` when nothing changed.

Usage::

    python -m bench.search_bench --entities 100000 [--queries 1000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.catalog_bench import (
    Database,
    Target,
    fresh_database,
    ingest_config,
    layout_from_json,
    layout_to_json,
)
from bench.synthetic_catalog import CatalogLayout, dump_documents, generate
from catalog_store.db.engine import create_catalog_engine, make_sessionmaker, migrate
from catalog_store.ingest.service import CatalogService
from catalog_store.search import CatalogSearch, SearchDocument, SearchIndex

PROJECT_ROOT = Path(__file__).resolve().parents[1]
WARMUP_QUERIES = 20
TARGET_SIZE = 100_000
TARGETS = {
    "load": Target(10, "s"),
    "memory": Target(300, "MiB"),
    "query_p95": Target(10, "ms"),
    "refresh": Target(100, "ms"),
}
_WORD = re.compile(r"[a-z0-9]+")


# -- ingestion in its own process ----------------------------------------------------------


def ingest_worker(layout: CatalogLayout, database_url: str) -> dict[str, Any]:
    """Migrate and ingest the catalog; returns the time it took."""
    engine = create_catalog_engine(database_url)
    migrate(engine)
    service = CatalogService(make_sessionmaker(engine), ingest_config(layout))
    started = time.perf_counter()
    stats = list(service.refresh_all().values())
    elapsed = time.perf_counter() - started
    engine.dispose()
    return {"ingest_s": elapsed, "added": sum(s.added for s in stats)}


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    return env


def run_ingest(layout_file: Path, database: Database) -> dict[str, Any]:
    """Run :func:`ingest_worker` in a fresh Python process."""
    command = [
        sys.executable,
        "-m",
        "bench.search_bench",
        "--worker",
        "--layout-file",
        str(layout_file),
        "--database-url",
        database.url,
    ]
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=_worker_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"ingest worker failed ({done.returncode}):\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- memory ---------------------------------------------------------------------------------


def rss_mib() -> float:
    """This process's resident set size (``VmRSS``), in MiB."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- queries --------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _typo(word: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(word))
    if rng.random() < 0.5 and at < len(word) - 1:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word[:at] + word[at + 1 :]


def _skeleton(word: str) -> str:
    return word[:1] + "".join(c for c in word[1:] if c not in "aeiou")


def query_mix(documents: Sequence[SearchDocument], count: int, seed: int) -> list[tuple[str, str]]:
    """``(kind of query, query)`` pairs drawn from the catalog with a fixed seed."""
    rng = random.Random(seed)
    named = [d for d in documents if len(_words(d.name)) >= 2 and d.kind != "Location"]
    tagged = [d for d in named if d.tags]
    owners = sorted({d.owner_name for d in documents if d.owner_name})
    common = sorted({w for d in named[:2000] for w in _words(d.name) if len(w) >= 4})
    kinds = ["component", "api", "resource", "system", "group"]
    mix: list[tuple[str, str]] = []
    makers = ["exact", "typo", "transposed", "partial", "abbreviation", "word", "tag", "filtered"]
    makers.append("filters only")
    while len(mix) < count:
        kind = makers[len(mix) % len(makers)]
        doc = rng.choice(named)
        words = _words(doc.name)
        if kind == "exact":
            query = " ".join(words)
        elif kind == "typo":
            at = max(range(len(words)), key=lambda i: len(words[i]))
            typed = _typo(words[at], rng) if len(words[at]) >= 4 else words[at]
            query = " ".join([*words[:at], typed, *words[at + 1 :]])
        elif kind == "transposed":
            query = " ".join(reversed(words))
        elif kind == "partial":
            query = " ".join(w[: max(3, len(w) // 2)] for w in words)
        elif kind == "abbreviation":
            query = (
                "".join(w[0] for w in words)
                if rng.random() < 0.3
                else " ".join(_skeleton(w) if len(w) >= 5 else w for w in words)
            )
        elif kind == "word":
            query = rng.choice(common)
        elif kind == "tag":
            tagged_doc = rng.choice(tagged)
            query = f"{rng.choice(tagged_doc.tags)} {rng.choice(_words(tagged_doc.name))}"
        elif kind == "filtered":
            query = f"{rng.choice(words)} kind:{rng.choice(kinds)} owner:{rng.choice(owners)}"
        else:
            query = f"kind:{rng.choice(kinds)} owner:{rng.choice(owners)}"
        mix.append((kind, query))
    return mix


@dataclass(slots=True)
class Timings:
    """Latencies in milliseconds, by kind of query."""

    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    hits: list[int] = field(default_factory=list)

    def all(self) -> list[float]:
        """Every latency."""
        return [value for values in self.by_kind.values() for value in values]


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def run_queries(search: CatalogSearch, mix: Sequence[tuple[str, str]]) -> Timings:
    """Time every query of ``mix`` (after a few untimed ones)."""
    for _, query in mix[:WARMUP_QUERIES]:
        search.search(query, limit=20)
    timings = Timings()
    for kind, query in mix:
        started = time.perf_counter()
        page = search.search(query, limit=20)
        timings.by_kind[kind].append((time.perf_counter() - started) * 1000)
        timings.hits.append(page.total)
    return timings


# -- incremental updates --------------------------------------------------------------------


def change_components(layout: CatalogLayout, count: int, marker: str) -> list[str]:
    """Give ``count`` components a description holding ``marker``; returns their names."""
    changed: list[str] = []
    for path in sorted(layout.root.glob("teams/*/*/catalog-info.yaml")):
        documents = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
        touched = False
        for document in documents:
            if len(changed) >= count:
                break
            if document.get("kind") != "Component":
                continue
            metadata = document["metadata"]
            metadata["description"] = f"{metadata.get('description', '')} ({marker})"
            changed.append(metadata["name"])
            touched = True
        if touched:
            path.write_text(dump_documents(documents), encoding="utf-8")
        if len(changed) >= count:
            break
    return changed


@dataclass(slots=True)
class RefreshRound:
    """One round of changed components."""

    changed: int
    ingest_s: float
    refresh_ms: float
    upserted: int
    found: bool


def run_refreshes(
    search: CatalogSearch, layout: CatalogLayout, sessions: Any, rounds: int, changes: int
) -> list[RefreshRound]:
    """Change components, re-ingest them, and time the index's refresh, ``rounds`` times."""
    service = CatalogService(sessions, ingest_config(layout))
    done = []
    for number in range(rounds):
        marker = f"searchbench{number}marker"
        changed = change_components(layout, changes, marker)
        started = time.perf_counter()
        service.refresh_all()
        ingest_s = time.perf_counter() - started
        started = time.perf_counter()
        stats = search.refresh()
        refresh_ms = (time.perf_counter() - started) * 1000
        found = search.index.search(marker, limit=1).total == len(changed)
        done.append(RefreshRound(len(changed), ingest_s, refresh_ms, stats.upserted, found))
    return done


def idle_refresh_ms(search: CatalogSearch, times: int = 50) -> float:
    """Median cost of :meth:`CatalogSearch.refresh_if_due` when nothing changed."""
    values = []
    for _ in range(times):
        started = time.perf_counter()
        search.refresh_if_due(0.0)
        values.append((time.perf_counter() - started) * 1000)
    return statistics.median(values)


# -- report ---------------------------------------------------------------------------------


def _verdict(name: str, value: float, size: int) -> str:
    target = TARGETS[name]
    scaled = Target(target.limit * max(1.0, size / TARGET_SIZE), target.unit)
    return f"{scaled.shown():>10}  {scaled.verdict(value)}"


def print_report(figures: dict[str, Any], timings: Timings, rounds: list[RefreshRound]) -> None:
    """Print every figure, with the targets."""
    size = figures["entities"]
    print(f"\n== search at {size:,} entities ({figures['database']})")
    generated, ingested = figures["generate_s"], figures["ingest_s"]
    print(f"catalog generated in {generated:.1f} s, ingested in {ingested:.1f} s")
    print(f"vocabulary: {figures['vocabulary']:,} distinct tokens")
    print()
    print(f"{'figure':<44} {'value':>12}  {'target':>10}")
    rows = [
        (
            "load from database (read, parse, index)",
            f"{figures['load_s']:.2f} s",
            "load",
            figures["load_s"],
        ),
        ("index build alone (from documents)", f"{figures['build_s']:.2f} s", None, None),
        (
            "memory: RSS added by the load",
            f"{figures['rss_mib']:.0f} MiB",
            "memory",
            figures["rss_mib"],
        ),
    ]
    if figures.get("traced_mib") is not None:
        rows.append(
            (
                "memory: held by the index (tracemalloc)",
                f"{figures['traced_mib']:.0f} MiB",
                "memory",
                figures["traced_mib"],
            )
        )
        rows.append(
            (
                "memory: peak while loading (tracemalloc)",
                f"{figures['traced_peak_mib']:.0f} MiB",
                None,
                None,
            )
        )
    every = timings.all()
    for p in (50, 95, 99):
        name = "query_p95" if p == 95 else None
        rows.append((f"query p{p}", f"{percentile(every, p):.2f} ms", name, percentile(every, p)))
    rows.append(("query max", f"{max(every):.2f} ms", None, None))
    if rounds:
        worst = max(r.refresh_ms for r in rounds)
        rows.append(
            (
                f"refresh after {rounds[0].changed} changed entities (max of {len(rounds)})",
                f"{worst:.1f} ms",
                "refresh",
                worst,
            )
        )
        rows.append(
            (
                "refresh, median",
                f"{statistics.median(r.refresh_ms for r in rounds):.1f} ms",
                None,
                None,
            )
        )
    rows.append(
        ("refresh_if_due with nothing changed, median", f"{figures['idle_ms']:.3f} ms", None, None)
    )
    for label, value, target, number in rows:
        verdict = (
            _verdict(target, number, size) if target is not None and number is not None else ""
        )
        print(f"{label:<44} {value:>12}  {verdict}")
    print(f"\n{'query kind':<16} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, values in timings.by_kind.items():
        print(
            f"{kind:<16} {len(values):>5} {percentile(values, 50):>8.2f} "
            f"{percentile(values, 95):>8.2f} {percentile(values, 99):>8.2f} {max(values):>8.2f}"
        )
    print(f"mean hits per query: {statistics.mean(timings.hits):.0f}")
    if rounds:
        print()
        for number, r in enumerate(rounds, start=1):
            print(
                f"round {number}: {r.changed} components changed, re-ingest {r.ingest_s:.2f} s, "
                f"refresh {r.refresh_ms:.1f} ms ({r.upserted} re-indexed), "
                f"new text found: {'yes' if r.found else 'NO'}"
            )


# -- command line ---------------------------------------------------------------------------


def measure(args: argparse.Namespace, work_dir: Path) -> int:
    """Run the whole benchmark at ``args.entities``."""
    figures: dict[str, Any] = {"entities": args.entities}
    started = time.perf_counter()
    layout = generate(work_dir / "catalog", args.entities, seed=args.seed, git=False)
    figures["generate_s"] = time.perf_counter() - started
    layout_file = work_dir / "layout.json"
    layout_file.write_text(json.dumps(layout_to_json(layout)))
    database = fresh_database(args.database_url, work_dir, f"search-{args.entities}")
    figures["database"] = database.label
    try:
        figures.update(run_ingest(layout_file, database))
        engine = create_catalog_engine(database.url)
        sessions = make_sessionmaker(engine)

        gc.collect()
        before = rss_mib()
        search = CatalogSearch(sessions)
        started = time.perf_counter()
        search.load()
        figures["load_s"] = time.perf_counter() - started
        gc.collect()
        figures["rss_mib"] = rss_mib() - before
        figures["vocabulary"] = search.index.vocabulary_size

        documents = list(search.index.documents())
        started = time.perf_counter()
        SearchIndex(documents)
        figures["build_s"] = time.perf_counter() - started
        gc.collect()

        timings = run_queries(search, query_mix(documents, args.queries, args.seed))
        del documents

        if args.tracemalloc:
            gc.collect()
            tracemalloc.start()
            traced = CatalogSearch(sessions)
            traced.load()
            gc.collect()
            current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            figures["traced_mib"] = current / 1_048_576
            figures["traced_peak_mib"] = peak / 1_048_576
            del traced
            gc.collect()

        figures["idle_ms"] = idle_refresh_ms(search)
        rounds = run_refreshes(search, layout, sessions, args.rounds, args.changes)
        engine.dispose()
    finally:
        database.cleanup()
    print_report(figures, timings, rounds)
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.search_bench", description="Speed and memory of catalog search."
    )
    parser.add_argument("--entities", type=int, default=TARGET_SIZE, help="catalog size")
    parser.add_argument("--queries", type=int, default=1_000, help="timed queries")
    parser.add_argument("--changes", type=int, default=100, help="components changed per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of changes")
    parser.add_argument("--seed", type=int, default=7, help="generator and query seed")
    parser.add_argument("--database-url", help="default: a SQLite file in the work folder")
    parser.add_argument("--work-dir", type=Path, help="default: a temporary folder")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--no-tracemalloc",
        dest="tracemalloc",
        action="store_false",
        help="skip the traced second load (it takes about three times as long)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--layout-file", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.search_bench``."""
    args = parse_args(argv)
    if args.worker:
        layout = layout_from_json(json.loads(args.layout_file.read_text()))
        print(json.dumps(ingest_worker(layout, args.database_url)))
        return 0
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="callboard-search-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    try:
        return measure(args, work_dir)
    finally:
        if not args.keep and args.work_dir is None:
            shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
