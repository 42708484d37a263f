"""Benchmark of the catalog: ingest time, peak memory, re-ingest time and API latency.

For each size a synthetic catalog is generated (:mod:`bench.synthetic_catalog`), ingested
into a fresh database by a fresh Python process (so its peak RSS is its own), re-ingested
unchanged and after a one-file change, and then served by uvicorn in another process
while this process measures request latencies over loopback HTTP.

Usage::

    python -m bench.catalog_bench [--sizes 10000,100000] [--database-url URL]

See ``bench/README.md`` for what every figure means and the targets.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.synthetic_catalog import CatalogLayout, generate, touch_one_file
from catalog_store.db.engine import (
    create_catalog_engine,
    make_sessionmaker,
    migrate,
    normalise_database_url,
)
from catalog_store.ingest.apply import ApplyStats
from catalog_store.ingest.config import IngestConfig, LocationSpec
from catalog_store.ingest.service import CatalogService
from catalog_store.model import KNOWN_KINDS

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ALL_KINDS = sorted(KNOWN_KINDS)
TARGET_SIZE = 100_000
API_PREFIX = "/api/catalog"
WARMUP_REQUESTS = 10
MIN_SAMPLES = 20


@dataclass(frozen=True, slots=True)
class Target:
    """An upper bound on one figure, at :data:`TARGET_SIZE` entities."""

    limit: float
    unit: str

    def verdict(self, value: float | None) -> str:
        """PASS, MISS, or n/a when the figure is missing."""
        if value is None:
            return "n/a"
        return "PASS" if value <= self.limit else "MISS"

    def shown(self) -> str:
        """The bound as printed: ``<= 30 s``."""
        return f"<= {self.limit:g} {self.unit}"


TARGETS: dict[str, Target] = {
    "full_ingest": Target(30, "s"),
    "reingest_unchanged": Target(3, "s"),
    "reingest_one_file": Target(1, "s"),
    "peak_rss": Target(1024, "MiB"),
    "by_name": Target(5, "ms"),
    "filtered_list": Target(30, "ms"),
    "facets": Target(50, "ms"),
}


# -- layout and database plumbing -----------------------------------------------------------


def layout_to_json(layout: CatalogLayout) -> dict[str, Any]:
    """A layout as JSON, to hand to worker processes."""
    data = asdict(layout)
    for key in ("root", "root_location", "touch_file"):
        data[key] = str(data[key]) if data[key] is not None else None
    return data


def layout_from_json(data: dict[str, Any]) -> CatalogLayout:
    """The inverse of :func:`layout_to_json`."""
    values = dict(data)
    values["root"] = Path(values["root"])
    values["root_location"] = Path(values["root_location"])
    values["touch_file"] = Path(values["touch_file"]) if values["touch_file"] else None
    return CatalogLayout(**values)


def ingest_config(layout: CatalogLayout, *, git_cache: Path | None = None) -> IngestConfig:
    """The ingestion settings of a benchmark run: the root Location as a file, or the
    catalog folder as a git repository read through ``file://`` when ``git_cache`` is set."""
    if git_cache is None:
        location = LocationSpec(type="file", target=str(layout.root_location))
        return IngestConfig(
            locations=(location,),
            rules=({"allow": ALL_KINDS},),
            base_dir=layout.root,
            reading_hosts=(),
        )
    location = LocationSpec(
        type="git", target=f"file://{layout.root}", catalog_path=layout.root_location.name
    )
    return IngestConfig(
        locations=(location,),
        rules=({"allow": ALL_KINDS},),
        base_dir=layout.root,
        reading_hosts=(),
        git_cache_dir=git_cache,
    )


@dataclass(slots=True)
class Database:
    """A fresh, empty database for one run, and how to throw it away."""

    url: str
    label: str
    cleanup: Callable[[], None] = lambda: None
    path: Path | None = None

    def size_mib(self) -> float | None:
        """On-disk size of a SQLite database (with its WAL), else None."""
        if self.path is None:
            return None
        files = [self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")]
        return sum(f.stat().st_size for f in files if f.exists()) / 1_048_576


def fresh_database(base_url: str | None, work_dir: Path, name: str) -> Database:
    """A new SQLite file under ``work_dir``, a sibling of a given SQLite file, or a new
    schema (dropped afterwards) in a given PostgreSQL database."""
    if base_url is None:
        path = work_dir / f"{name}.db"
        return Database(url=f"sqlite:///{path}", label=f"SQLite {path}", path=path)
    url = make_url(normalise_database_url(base_url))
    if url.get_backend_name() == "sqlite":
        given = Path(url.database or "catalog.db")
        path = given.with_name(f"{given.stem}-{name}{given.suffix or '.db'}")
        if path.exists():
            raise SystemExit(f"{path} already exists; remove it or pick another --database-url")
        return Database(url=f"sqlite:///{path}", label=f"SQLite {path}", path=path)
    if url.get_backend_name() != "postgresql":
        raise SystemExit(f"unsupported database {url.get_backend_name()!r}")
    schema = f"callboard_bench_{name.replace('-', '_')}_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()

    def drop() -> None:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()

    scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
    host = f"{url.host or 'local socket'}{':' + str(url.port) if url.port else ''}"
    return Database(
        url=scoped.render_as_string(hide_password=False),
        label=f"PostgreSQL {host}/{url.database} schema {schema}",
        cleanup=drop,
    )


# -- worker processes -----------------------------------------------------------------------


def _peak_rss_mib() -> float:
    """This process's peak RSS: ``VmHWM`` where ``/proc`` has it, else ``ru_maxrss``.

    On Linux ``ru_maxrss`` survives ``exec``, so a worker forked from a large parent would
    report the parent's size; ``VmHWM`` belongs to the process's own address space.
    """
    own = _process_rss_mib(os.getpid())
    if own is not None:
        return own
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _stats_json(stats: ApplyStats) -> dict[str, Any]:
    return {
        "added": stats.added,
        "updated": stats.updated,
        "unchanged": stats.unchanged,
        "orphaned": stats.orphaned,
        "files_read": stats.files_read,
        "files_unchanged": stats.files_unchanged,
        "errors": len(stats.errors),
        "first_errors": [str(e) for e in stats.errors[:5]],
    }


@contextmanager
def _profiled(profile_dir: Path | None, name: str) -> Iterator[None]:
    if profile_dir is None:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        profile_dir.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(str(profile_dir / f"{name}.prof"))


def ingest_worker(
    layout: CatalogLayout,
    database_url: str,
    *,
    git_cache: Path | None,
    profile_dir: Path | None,
    label: str,
) -> dict[str, Any]:
    """Migrate, ingest, re-ingest unchanged, change one file and re-ingest: timed."""
    result: dict[str, Any] = {"rss_start_mib": _peak_rss_mib()}
    engine = create_catalog_engine(database_url)
    started = time.perf_counter()
    migrate(engine)
    result["migrate_s"] = time.perf_counter() - started
    service = CatalogService(make_sessionmaker(engine), ingest_config(layout, git_cache=git_cache))

    def refresh(phase: str) -> None:
        with _profiled(profile_dir, f"{label}-{phase}"):
            started = time.perf_counter()
            stats = list(service.refresh_all().values())
            result[f"{phase}_s"] = time.perf_counter() - started
        if len(stats) != 1:
            raise RuntimeError(f"expected one location, got {len(stats)}")
        result[f"{phase}_stats"] = _stats_json(stats[0])

    refresh("full")
    result["rss_after_full_mib"] = _peak_rss_mib()
    refresh("unchanged")
    touch_one_file(layout)
    refresh("one_file")
    result["rss_peak_mib"] = _peak_rss_mib()
    engine.dispose()
    return result


def build_app(database_url: str, layout: CatalogLayout) -> Any:
    """The catalog API on the benchmark database, as the service mounts it."""
    from fastapi import FastAPI

    from catalog_store.api.errors import install_error_handlers
    from catalog_store.api.router import create_catalog_router

    engine = create_catalog_engine(database_url)
    sessions = make_sessionmaker(engine)
    writer = CatalogService(sessions, ingest_config(layout))
    app = FastAPI()
    app.include_router(create_catalog_router(sessions=sessions, writer=writer), prefix=API_PREFIX)
    install_error_handlers(app)
    return app


def serve_worker(layout: CatalogLayout, database_url: str) -> None:
    """Serve the API with uvicorn on an ephemeral loopback port; prints ``PORT <n>``."""
    import uvicorn

    app = build_app(database_url, layout)
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets whose proto says TCP,
    # and without it every keep-alive response waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


def _worker_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bench.catalog_bench", *args]


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env.pop(name, None)
    return env


def run_ingest(
    layout_file: Path,
    database: Database,
    *,
    git_cache: Path | None,
    profile_dir: Path | None,
    label: str,
) -> dict[str, Any]:
    """Run :func:`ingest_worker` in a fresh process and return its figures."""
    args = [
        "--worker",
        "ingest",
        "--layout-file",
        str(layout_file),
        "--database-url",
        database.url,
        "--label",
        label,
    ]
    if git_cache is not None:
        args += ["--git-cache", str(git_cache)]
    if profile_dir is not None:
        args += ["--profile", str(profile_dir)]
    done = subprocess.run(
        _worker_command(*args),
        cwd=PROJECT_ROOT,
        env=_worker_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ingest worker failed ({done.returncode}):\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- latency --------------------------------------------------------------------------------


@dataclass(slots=True)
class Latency:
    """Timings of one kind of request."""

    name: str
    samples_ms: list[float] = field(default_factory=list)
    failures: int = 0
    items: list[int] = field(default_factory=list)
    first_failure: str | None = None
    first_ms: float | None = None
    """The first request of the kind (untimed warm-up): cold caches, uncached results."""

    def percentile(self, p: int) -> float | None:
        """The ``p``-th percentile in ms (inclusive method), None without samples."""
        if not self.samples_ms:
            return None
        if len(self.samples_ms) == 1:
            return self.samples_ms[0]
        return statistics.quantiles(self.samples_ms, n=100, method="inclusive")[p - 1]


RequestMaker = Callable[[random.Random], tuple[str, dict[str, Any] | list[tuple[str, str]]]]


def request_makers(layout: CatalogLayout) -> dict[str, RequestMaker]:
    """The measured requests, each drawing its random parameter.

    ``by_query`` is the request as written in the targets; without ``fullTextFilterFields``
    Backstage matches the term against ``metadata.uid`` only, so it finds nothing.
    ``by_query_fields`` is the search the catalog UI makes, on names and titles.
    """
    names, owners, words = layout.component_names, layout.owner_groups, layout.search_words

    def by_name(rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
        return f"{API_PREFIX}/entities/by-name/component/default/{rng.choice(names)}", []

    def filtered(rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
        return f"{API_PREFIX}/entities", [
            ("filter", f"kind=component,spec.owner={rng.choice(owners)}")
        ]

    def by_query(rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
        return f"{API_PREFIX}/entities/by-query", [
            ("fullTextFilterTerm", rng.choice(words)),
            ("limit", "20"),
        ]

    def by_query_fields(rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
        return f"{API_PREFIX}/entities/by-query", [
            ("fullTextFilterTerm", rng.choice(words)),
            ("fullTextFilterFields", "metadata.name,metadata.title"),
            ("limit", "20"),
        ]

    def facets(_rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
        return f"{API_PREFIX}/entity-facets", [
            ("facet", "kind"),
            ("facet", "spec.type"),
            ("facet", "spec.lifecycle"),
        ]

    return {
        "by_name": by_name,
        "filtered_list": filtered,
        "by_query": by_query,
        "by_query_fields": by_query_fields,
        "facets": facets,
    }


def _count_items(payload: Any) -> int:
    if isinstance(payload, list):
        return len(payload)
    if isinstance(payload, dict):
        if isinstance(payload.get("items"), list):
            return len(payload["items"])
        if isinstance(payload.get("facets"), dict):
            return sum(len(v) for v in payload["facets"].values())
        return 1
    return 0


def measure(
    client: Any, layout: CatalogLayout, *, requests: int, budget_s: float, seed: int
) -> dict[str, Latency]:
    """Time ``requests`` requests of each kind (fewer when one kind exceeds ``budget_s``)."""
    results: dict[str, Latency] = {}
    for name, make in request_makers(layout).items():
        rng = random.Random(f"{seed}-{name}")
        latency = Latency(name)
        for index in range(WARMUP_REQUESTS):
            path, params = make(rng)
            begin = time.perf_counter()
            client.get(path, params=params).read()
            if index == 0:
                latency.first_ms = (time.perf_counter() - begin) * 1000
        started = time.perf_counter()
        for _ in range(requests):
            path, params = make(rng)
            begin = time.perf_counter()
            response = client.get(path, params=params)
            body = response.content
            latency.samples_ms.append((time.perf_counter() - begin) * 1000)
            if response.status_code != 200:
                latency.failures += 1
                latency.first_failure = latency.first_failure or (
                    f"{response.status_code} {path} {params}: {body[:200]!r}"
                )
            else:
                latency.items.append(_count_items(json.loads(body)))
            if len(latency.samples_ms) >= MIN_SAMPLES and time.perf_counter() - started > budget_s:
                break
        results[name] = latency
    return results


def _wait_ready(client: httpx.Client, process: subprocess.Popen[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the API server exited")
        try:
            client.get("/__ready__")
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the API server did not answer in time")


def run_latency(
    layout_file: Path,
    layout: CatalogLayout,
    database: Database,
    *,
    requests: int,
    budget_s: float,
    seed: int,
    client_kind: str,
) -> tuple[dict[str, Latency], dict[str, Any]]:
    """Measure the API, over HTTP against a uvicorn process or in-process (TestClient)."""
    if client_kind == "testclient":
        from fastapi.testclient import TestClient

        with TestClient(build_app(database.url, layout)) as test_client:
            return measure(test_client, layout, requests=requests, budget_s=budget_s, seed=seed), {
                "client": "in-process fastapi.testclient.TestClient"
            }
    args = ["--worker", "serve", "--layout-file", str(layout_file), "--database-url", database.url]
    process = subprocess.Popen(
        _worker_command(*args),
        cwd=PROJECT_ROOT,
        env=_worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("PORT "):
            process.wait(timeout=30)
            stderr = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"the API server did not start:\n{stderr[-4000:]}")
        port = int(line.split()[1])
        info: dict[str, Any] = {"client": f"httpx over loopback to uvicorn (pid {process.pid})"}
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=120, trust_env=False
        ) as client:
            _wait_ready(client, process, timeout=60)
            results = measure(client, layout, requests=requests, budget_s=budget_s, seed=seed)
        info["server_rss_mib"] = _process_rss_mib(process.pid)
        return results, info
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _process_rss_mib(pid: int) -> float | None:
    """Peak RSS (``VmHWM``) of another process, from ``/proc``; None where unavailable."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


# -- the run --------------------------------------------------------------------------------


@dataclass(slots=True)
class SizeReport:
    """Everything measured at one size."""

    size: int
    layout: CatalogLayout
    database: str
    generate_s: float
    catalog_mib: float
    ingest: dict[str, Any]
    db_mib: float | None = None
    latency: dict[str, Latency] = field(default_factory=dict)
    latency_info: dict[str, Any] = field(default_factory=dict)
    latency_error: str | None = None
    git_ingest: dict[str, Any] | None = None
    git_error: str | None = None


def _folder_mib(root: Path) -> float:
    total = 0
    for path in root.rglob("*"):
        if ".git" not in path.parts and path.is_file():
            total += path.stat().st_size
    return total / 1_048_576


def run_size(size: int, args: argparse.Namespace, work_dir: Path) -> SizeReport:
    """Generate, ingest, re-ingest, and measure one size."""
    label = f"{size // 1000}k" if size % 1000 == 0 else str(size)
    size_dir = work_dir / label
    print(f"\n[{label}] generating {size:,} entities ...", flush=True)
    started = time.perf_counter()
    layout = generate(size_dir / "catalog", size, seed=args.seed, git=True)
    generate_s = time.perf_counter() - started
    layout_file = size_dir / "layout.json"
    layout_file.write_text(json.dumps(layout_to_json(layout)))

    database = fresh_database(args.database_url, size_dir, f"catalog-{label}")
    try:
        print(f"[{label}] ingesting in a fresh process ({database.label}) ...", flush=True)
        ingest = run_ingest(
            layout_file, database, git_cache=None, profile_dir=args.profile, label=f"{label}-file"
        )
        report = SizeReport(
            size=size,
            layout=layout,
            database=database.label,
            generate_s=generate_s,
            catalog_mib=_folder_mib(layout.root),
            ingest=ingest,
            db_mib=database.size_mib(),
        )
        print(f"[{label}] measuring API latency ...", flush=True)
        try:
            report.latency, report.latency_info = run_latency(
                layout_file,
                layout,
                database,
                requests=args.requests,
                budget_s=args.budget,
                seed=args.seed,
                client_kind=args.client,
            )
        except (ImportError, RuntimeError) as exc:
            report.latency_error = f"{type(exc).__name__}: {exc}"
    finally:
        if not args.keep:
            database.cleanup()

    if not args.no_git:
        git_database = fresh_database(args.database_url, size_dir, f"catalog-git-{label}")
        try:
            print(f"[{label}] ingesting through the git path ...", flush=True)
            report.git_ingest = run_ingest(
                layout_file,
                git_database,
                git_cache=size_dir / "git-cache",
                profile_dir=args.profile,
                label=f"{label}-git",
            )
        except RuntimeError as exc:
            report.git_error = str(exc)
        finally:
            if not args.keep:
                git_database.cleanup()
    return report


# -- printing -------------------------------------------------------------------------------


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(
        c.ljust(w) if i == 0 else c.rjust(w)
        for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    ).rstrip()


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [_row(header, widths), _row(["-" * w for w in widths], widths)]
    lines += [_row(r, widths) for r in rows]
    return lines


def _stats_line(stats: dict[str, Any]) -> str:
    text = (
        f"{stats['added']} added, {stats['updated']} updated, {stats['unchanged']} unchanged,"
        f" {stats['orphaned']} orphaned; files {stats['files_read']} read, "
        f"{stats['files_unchanged']} skipped; {stats['errors']} errors"
    )
    return text + "".join(f"\n      ! {e}" for e in stats["first_errors"])


def print_report(report: SizeReport, *, target_note: bool) -> None:
    """Print one size's tables."""
    layout, ingest = report.layout, report.ingest
    print()
    print(
        f"=== {report.size:,} entities: {layout.files:,} files, {report.catalog_mib:.1f} MiB of "
        f"YAML (generated in {report.generate_s:.1f} s) ==="
    )
    print(f"database: {report.database}")
    if target_note:
        print(
            f"targets are set for {TARGET_SIZE:,} entities on 2 cores; "
            "at other sizes PASS/MISS compares against the same bounds"
        )
    print()

    ingest_figures = [
        ("full ingest", "full_ingest", ingest["full_s"], f"{ingest['full_s']:.2f} s"),
        (
            "re-ingest, nothing changed",
            "reingest_unchanged",
            ingest["unchanged_s"],
            f"{ingest['unchanged_s']:.2f} s",
        ),
        (
            "re-ingest, one file changed",
            "reingest_one_file",
            ingest["one_file_s"],
            f"{ingest['one_file_s']:.2f} s",
        ),
        (
            "peak RSS of the ingesting process",
            "peak_rss",
            ingest["rss_peak_mib"],
            f"{ingest['rss_peak_mib']:.0f} MiB",
        ),
    ]
    rows = [
        [label, shown, TARGETS[key].shown(), TARGETS[key].verdict(value)]
        for label, key, value, shown in ingest_figures
    ]
    for line in _table(["ingest (file location, fresh process)", "value", "target", ""], rows):
        print(line)
    print(f"  full:      {_stats_line(ingest['full_stats'])}")
    print(f"  unchanged: {_stats_line(ingest['unchanged_stats'])}")
    print(f"  one file:  {_stats_line(ingest['one_file_stats'])}")
    db = f", database {report.db_mib:.0f} MiB on disk" if report.db_mib is not None else ""
    print(
        f"  migrate {ingest['migrate_s']:.2f} s; RSS at start {ingest['rss_start_mib']:.0f} MiB,"
        f" after full ingest {ingest['rss_after_full_mib']:.0f} MiB{db}"
    )
    print()

    if report.latency_error:
        print(f"API latency: not measured ({report.latency_error})")
    else:
        titles = {
            "by_name": "GET entities/by-name/component/default/<name>",
            "filtered_list": "GET entities?filter=kind=component,spec.owner=<team>",
            "by_query": "GET entities/by-query?fullTextFilterTerm=<word>&limit=20",
            "by_query_fields": "  same, &fullTextFilterFields=metadata.name,metadata.title",
            "facets": "GET entity-facets?facet=kind&facet=spec.type&facet=spec.lifecycle",
        }
        rows = []
        for name, latency in report.latency.items():
            p50, p95 = latency.percentile(50), latency.percentile(95)
            target = TARGETS.get(name)
            mean_items = statistics.fmean(latency.items) if latency.items else 0.0
            rows.append(
                [
                    titles[name],
                    f"{p50:.2f}" if p50 is not None else "-",
                    f"{p95:.2f}" if p95 is not None else "-",
                    f"{max(latency.samples_ms):.1f}" if latency.samples_ms else "-",
                    f"{latency.first_ms:.1f}" if latency.first_ms is not None else "-",
                    str(len(latency.samples_ms)),
                    f"{mean_items:.1f}",
                    str(latency.failures),
                    f"p95 {target.shown()}" if target else "-",
                    target.verdict(p95) if target else "",
                ]
            )
        header = [
            "API latency (ms)",
            *("p50", "p95", "max", "first", "n", "items", "non-200", "target", ""),
        ]
        for line in _table(header, rows):
            print(line)
        for latency in report.latency.values():
            if latency.first_failure:
                print(f"  ! {latency.name}: {latency.first_failure}")
        info = report.latency_info
        server = (
            f"; server peak RSS {info['server_rss_mib']:.0f} MiB"
            if info.get("server_rss_mib")
            else ""
        )
        print(f"  client: {info.get('client')}{server}")
    print()

    if report.git_ingest is not None:
        g = report.git_ingest
        print(
            f"git path (file:// clone, catalogPath all.yaml, fresh database): full "
            f"{g['full_s']:.2f} s, unchanged {g['unchanged_s']:.2f} s, one file "
            f"{g['one_file_s']:.2f} s, peak RSS {g['rss_peak_mib']:.0f} MiB"
        )
        print(f"  full: {_stats_line(g['full_stats'])}")
        print(f"  one file: {_stats_line(g['one_file_stats'])}")
    elif report.git_error:
        print(f"git path: failed ({report.git_error.strip().splitlines()[-1]})")


def print_summary(reports: Sequence[SizeReport]) -> None:
    """One line per size, for comparing sizes."""
    if len(reports) < 2:
        return
    print("=== summary ===")
    header = [
        "entities",
        "full s",
        "unchanged s",
        "one file s",
        "RSS MiB",
        "by-name p95",
        "filtered p95",
        "by-query p95",
        "facets p95",
    ]
    rows = []
    for r in reports:

        def p95(name: str, report: SizeReport = r) -> str:
            latency = report.latency.get(name)
            value = latency.percentile(95) if latency else None
            return f"{value:.2f}" if value is not None else "-"

        rows.append(
            [
                f"{r.size:,}",
                f"{r.ingest['full_s']:.2f}",
                f"{r.ingest['unchanged_s']:.2f}",
                f"{r.ingest['one_file_s']:.2f}",
                f"{r.ingest['rss_peak_mib']:.0f}",
                p95("by_name"),
                p95("filtered_list"),
                p95("by_query"),
                p95("facets"),
            ]
        )
    for line in _table(header, rows):
        print(line)


# -- command line ---------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "").replace("k", "000")) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError("sizes must look like 10000,100000") from None
    if any(s < 100 for s in sizes):
        raise argparse.ArgumentTypeError("sizes must be at least 100")
    return sizes


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line (``--worker`` and the options after it are for internal use)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.catalog_bench", description="Benchmark catalog ingestion and the API."
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=[10_000, 100_000],
        help="comma-separated entity counts (default 10000,100000)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="SQLite or postgresql+psycopg URL (default: a SQLite file in the "
        "work folder); on PostgreSQL each run gets its own schema",
    )
    parser.add_argument(
        "--requests", type=int, default=300, help="timed requests per kind (default 300)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="seconds after which a kind of request stops early (default 60)",
    )
    parser.add_argument(
        "--client",
        choices=("http", "testclient"),
        default="http",
        help="uvicorn + httpx over loopback (default) or in-process TestClient",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="where catalogs and SQLite files go (default: a temp folder)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the work folder (and PostgreSQL schemas)"
    )
    parser.add_argument("--no-git", action="store_true", help="skip the git-path ingest")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="write cProfile files of every ingest phase into this folder",
    )
    parser.add_argument("--worker", choices=("ingest", "serve"), help=argparse.SUPPRESS)
    parser.add_argument("--layout-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--git-cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--label", default="run", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (or, with ``--worker``, one of its worker processes)."""
    args = parse_args(argv)
    if args.worker is not None:
        layout = layout_from_json(json.loads(args.layout_file.read_text()))
        if args.worker == "ingest":
            result = ingest_worker(
                layout,
                args.database_url,
                git_cache=args.git_cache,
                profile_dir=args.profile,
                label=args.label,
            )
            print(json.dumps(result))
        else:
            serve_worker(layout, args.database_url)
        return 0

    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="callboard-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    print(
        f"catalog benchmark: sizes {', '.join(f'{s:,}' for s in args.sizes)}; "
        f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}; work folder {work_dir}"
    )
    reports: list[SizeReport] = []
    try:
        for size in args.sizes:
            report = run_size(size, args, work_dir)
            reports.append(report)
            print_report(report, target_note=size != TARGET_SIZE)
        print_summary(reports)
    finally:
        if not args.keep and args.work_dir is None:
            shutil.rmtree(work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
