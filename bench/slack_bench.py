"""Slack commands under load: ack latency, time to the final answer, throughput.

A synthetic catalog of ``--entities`` entities (:mod:`bench.synthetic_catalog`) is ingested
once into a temporary SQLite database. The bot (the full FastAPI app with Bolt at
``/slack/events``) then runs in its own process under uvicorn on loopback, its Web API
client pointed at the Slack stand-in, which runs in this process and catches the answers
posted to the ``response_url``s. ``--concurrency`` simulated people each send a signed
``/idp whois <random component>`` (form-encoded, signed as Slack signs it), wait for the
answer to arrive at the stand-in, and send the next, until ``--requests`` answers are in.
The first ``--warmup`` commands of the run are not counted: they open the people's
connections (all at once) and start filling the bot's caches.

Figures:

* **ack**: from sending the request to the bot's HTTP 200 (Slack allows 3 s); "in the bot"
  is the bot's own part, from the request reaching its app to the response starting;
* **answer**: from sending the request to the answer's ``response_url`` post reaching the
  stand-in;
* **throughput**: answers per second over the timed run.

Usage::

    python -m bench.slack_bench [--entities 100000] [--concurrency 50] [--requests 1000]
                                [--warmup N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import uvloop

from bench.catalog_bench import (
    ALL_KINDS,
    Target,
    fresh_database,
    layout_from_json,
    layout_to_json,
)
from bench.search_bench import run_ingest
from bench.synthetic_catalog import CatalogLayout, generate
from bot.slack_standin import signed_headers
from bot.slack_standin.payloads import slash_command_form

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TARGET_SIZE = 100_000
TARGETS = {"ack_p99": Target(100, "ms"), "answer_p99": Target(500, "ms")}
SIGNING_SECRET = "slack-bench-signing-secret"
USER, CHANNEL = "U0ALICE", "C0PAYMENTS"
ANSWER_TIMEOUT = 30.0


@dataclass
class Sample:
    """One command: when it was sent, acknowledged and answered (``perf_counter`` s)."""

    component: str
    sent: float
    acked: float | None = None
    status: int | None = None
    answered: float | None = None


@dataclass
class Arrivals:
    """``response_url`` posts as they reach the stand-in, handed to the waiting senders."""

    loop: asyncio.AbstractEventLoop
    waiting: dict[str, asyncio.Future[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def expect(self, path: str) -> asyncio.Future[float]:
        future: asyncio.Future[float] = self.loop.create_future()
        with self.lock:
            self.waiting[path] = future
        return future

    def arrived(self, path: str, at: float) -> None:
        with self.lock:
            future = self.waiting.pop(path, None)
        if future is not None:
            self.loop.call_soon_threadsafe(_resolve, future, at)


class ArrivalClock:
    """ASGI middleware of the stand-in: notes when each ``response_url`` post arrives
    (plain ASGI, so that timing costs the stand-in next to nothing)."""

    def __init__(self, app: Any, arrivals: Arrivals) -> None:
        self.app = app
        self.arrivals = arrivals

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"].startswith("/commands/")
        ):
            self.arrivals.arrived(scope["path"], time.perf_counter())
        await self.app(scope, receive, send)


def _resolve(future: asyncio.Future[float], at: float) -> None:
    if not future.done():
        future.set_result(at)


# -- the bot, in its own process --------------------------------------------------------------


BOT_ACKS_PATH = "/_bench/acks"
"""Where the bot process of this benchmark hands over its own ack timings (and forgets
them)."""


class AckClock:
    """ASGI middleware of the bot process: how long the bot itself takes to acknowledge each
    ``POST /slack/events``, from the request reaching the app to its response starting.

    Next to the ack the load generator sees, this tells the bot's part from the time the
    request and its answer spend in the sockets and in the load generator's own process.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.times: list[tuple[float, float]] = []
        """``(perf_counter at arrival, milliseconds to the response)`` of each request
        (``perf_counter`` is the system's monotonic clock, shared with the sender)."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == BOT_ACKS_PATH:
            body = json.dumps(self.times).encode()
            self.times = []
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": body})
            return
        if scope["method"] != "POST" or scope["path"] != "/slack/events":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                self.times.append((started, (time.perf_counter() - started) * 1000))
            await send(message)

        await self.app(scope, receive, timed_send)


def serve_bot(config: Path, port: int) -> None:
    """Run the bot on ``127.0.0.1:port`` (the worker side of :func:`start_bot`), its search
    index loaded and the heap settled as ``callboard serve`` does after loading it."""
    import uvicorn

    from bot.app import create_app
    from bot.scheduler import settle_heap
    from bot.settings import load_settings
    from bot.wiring import build_wiring

    wiring = build_wiring(load_settings(config))
    wiring.discovery().search.search("warm up the index", limit=1)
    settle_heap()
    app = create_app(wiring, background=False)
    app.add_middleware(AckClock)
    slack = wiring.slack()
    answer_process = slack.parts.answer_process if slack is not None else None
    if answer_process is not None:  # started here, so that it is ready before the load
        answer_process.start()
        if not answer_process.wait_ready(timeout=300):
            raise RuntimeError("the answer process did not start")
    print("ready", flush=True)
    try:
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    finally:
        wiring.close()


def start_bot(config: Path, port: int) -> subprocess.Popen[str]:
    """The bot process, once it has loaded the search index and is about to listen."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    env.setdefault("CALLBOARD_LOG_LEVEL", "WARNING")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.slack_bench",
            "--serve-bot",
            str(config),
            "--port",
            str(port),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.strip() != "ready":
        process.kill()
        raise RuntimeError(f"the bot did not start (exit {process.wait()})")
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the bot did not listen in time")
        time.sleep(0.05)


def start_bot_processes(config: Path, port: int, workers: int) -> subprocess.Popen[str]:
    """``callboard serve --workers N``, once searches are answered quickly many times in a
    row (each process loads its own search index at start, then settles its heap)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    env.setdefault("CALLBOARD_LOG_LEVEL", "WARNING")
    command = [sys.executable, "-m", "bot.cli", "serve", "--config", str(config)]
    command += ["--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + 300
    fast = 0
    while fast < 200 * workers:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the bot processes did not get ready in time")
        try:
            started = time.perf_counter()
            answer = httpx.get(
                f"http://127.0.0.1:{port}/api/search/query", params={"term": "payments"}, timeout=30
            )
            quick = answer.status_code == 200 and time.perf_counter() - started < 0.1
            fast = fast + 1 if quick else 0
        except httpx.TransportError:
            fast = 0
            time.sleep(0.2)
    return process


def bot_config(
    work: Path, layout: CatalogLayout, database_url: str, api_url: str, token: str
) -> Path:
    """The bot's ``callboard.yaml`` for the run."""
    path = work / "callboard.yaml"
    path.write_text(
        json.dumps(
            {
                "database": {"url": database_url},
                "catalog": {
                    "rules": [{"allow": ALL_KINDS}],
                    "locations": [{"type": "file", "target": str(layout.root_location)}],
                },
                "slack": {
                    "botToken": token,
                    "signingSecret": SIGNING_SECRET,
                    "apiUrl": api_url,
                },
            },
            indent=2,
        )
    )
    return path


# -- load -------------------------------------------------------------------------------------


def command_body(state: Any, component: str) -> tuple[bytes, str]:
    """A signed-to-be slash command form and the path of its ``response_url``."""
    workspace = state.workspace
    user = workspace.users[USER]
    channel = workspace.channels[CHANNEL]
    response_url = state.issue_response_url("commands", user.id, channel.id)
    form = slash_command_form(
        state,
        user,
        channel,
        "/idp",
        f"whois {component}",
        trigger_id=state.issue_trigger(user.id).id,
        response_url=state.response_url_of(response_url),
    )
    return urlencode(form).encode(), "/" + response_url.path


async def run_load(
    state: Any,
    arrivals: Arrivals,
    events_url: str,
    components: Sequence[str],
    *,
    concurrency: int,
    warmup: int,
    requests: int,
    seed: int,
) -> tuple[list[Sample], float]:
    """``concurrency`` people sending commands until ``warmup + requests`` are answered.

    The load is one continuous run: the first ``warmup`` commands (the people's first
    connections, all of them starting at once, the bot's caches filling) are sent but not
    returned; the timed ones follow without a pause.

    Returns:
        The timed samples, and the seconds from the first timed command to the last answer.
    """
    rng = random.Random(seed)
    samples: list[Sample] = []
    remaining = [warmup + requests]
    # One client (one keep-alive connection) per person, as each Slack request is its own
    # exchange: a single pool shared by all of them spends its time scanning connections.
    one = httpx.Limits(max_connections=1, max_keepalive_connections=1)

    async def person() -> None:
        async with httpx.AsyncClient(limits=one, timeout=ANSWER_TIMEOUT, trust_env=False) as client:
            while remaining[0] > 0:
                remaining[0] -= 1
                component = rng.choice(components)
                body, path = command_body(state, component)
                answer = arrivals.expect(path)
                headers = {"Content-Type": "application/x-www-form-urlencoded"}
                headers.update(signed_headers(SIGNING_SECRET, body))
                sample = Sample(component, time.perf_counter())
                samples.append(sample)
                try:
                    response = await client.post(events_url, content=body, headers=headers)
                    sample.acked = time.perf_counter()
                    sample.status = response.status_code
                    sample.answered = await asyncio.wait_for(answer, ANSWER_TIMEOUT)
                except (TimeoutError, httpx.HTTPError):
                    continue

    await asyncio.gather(*(person() for _ in range(concurrency)))
    timed = samples[warmup:]
    ends = [s.answered or s.acked or s.sent for s in timed]
    return timed, (max(ends) - timed[0].sent) if timed else 0.0


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The ``fraction`` quantile (nearest rank) of ``values``, or None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[rank]


def summarise(samples: Sequence[Sample], elapsed: float) -> dict[str, Any]:
    """The figures of a timed run (milliseconds and answers per second)."""
    acks = [(s.acked - s.sent) * 1000 for s in samples if s.acked is not None and s.status == 200]
    answers = [(s.answered - s.sent) * 1000 for s in samples if s.answered is not None]
    return {
        "requests": len(samples),
        "acked_200": len(acks),
        "answered": len(answers),
        "failed": len(samples) - len(answers),
        "ack_p50_ms": percentile(acks, 0.50),
        "ack_p99_ms": percentile(acks, 0.99),
        "ack_max_ms": max(acks) if acks else None,
        "answer_p50_ms": percentile(answers, 0.50),
        "answer_p99_ms": percentile(answers, 0.99),
        "answer_max_ms": max(answers) if answers else None,
        "answer_mean_ms": statistics.fmean(answers) if answers else None,
        "throughput_per_s": len(answers) / elapsed if elapsed > 0 else None,
        "elapsed_s": elapsed,
    }


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) a process and the processes it started (the answer
    process) have used so far, from ``/proc``; 0 where there is no ``/proc``."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(child) for child in child_pids(pid))


def child_pids(pid: int) -> list[int]:
    """The live child processes of ``pid`` (Linux)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children.extend(int(c) for c in task.read_text().split())
        except OSError:
            continue
    return children


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(args: argparse.Namespace, echo: Callable[[str], None]) -> dict[str, Any]:
    """Generate, ingest, start the stand-in and the bot, load them; the figures."""
    from bot.slack_standin import RateLimit, StandinServer, StandinState

    work = Path(args.work_dir or tempfile.mkdtemp(prefix="callboard-slack-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bot_process: subprocess.Popen[str] | None = None
    standin: StandinServer | None = None
    try:
        layout_file = work / "layout.json"
        database_path = work / "slack-bench.db"
        if layout_file.exists() and database_path.exists():
            layout = layout_from_json(json.loads(layout_file.read_text()))
            database_url = f"sqlite:///{database_path}"
            echo(f"catalog: {layout.entities} entities, ingested earlier in {work}")
        else:
            started = time.perf_counter()
            layout = generate(work / "catalog", args.entities, seed=args.seed, git=False)
            echo(
                f"catalog: {layout.entities} entities in {layout.files} files "
                f"({time.perf_counter() - started:.1f} s)"
            )
            layout_file.write_text(json.dumps(layout_to_json(layout)))
            database = fresh_database(None, work, "slack-bench")
            ingest = run_ingest(layout_file, database)
            database_url = database.url
            echo(f"ingest: {ingest['added']} entities in {ingest['ingest_s']:.1f} s")

        # The load generator shares the machine with the bot: uvloop (uvicorn's own loop)
        # keeps its share of the CPU small.
        loop = uvloop.new_event_loop()
        arrivals = Arrivals(loop)
        state = StandinState.default(rate_limit=RateLimit(per_second=1000.0, burst=1000))
        port = free_port()
        standin = StandinServer(state)

        standin.app.add_middleware(ArrivalClock, arrivals=arrivals)
        standin.start()
        config = bot_config(work, layout, database_url, standin.api_url, state.workspace.bot_token)
        started = time.perf_counter()
        if args.bot_workers > 1:
            bot_process = start_bot_processes(config, port, args.bot_workers)
        else:
            bot_process = start_bot(config, port)
        echo(f"bot: ready in {time.perf_counter() - started:.1f} s (search index loaded)")
        events_url = f"http://127.0.0.1:{port}/slack/events"
        components = layout.component_names or ["payment-service"]

        warmup = args.warmup if args.warmup is not None else max(args.concurrency * 2, 20)
        cpu_before = cpu_seconds(bot_process.pid), cpu_seconds(os.getpid())
        samples, elapsed = loop.run_until_complete(
            run_load(
                state,
                arrivals,
                events_url,
                components,
                concurrency=args.concurrency,
                warmup=warmup,
                requests=args.requests,
                seed=args.seed,
            )
        )
        loop.close()
        figures = summarise(samples, elapsed)
        commands = warmup + args.requests
        if args.bot_workers == 1:
            figures["bot_cpu_ms_per_command"] = (
                1000 * (cpu_seconds(bot_process.pid) - cpu_before[0]) / commands
            )
        figures["sender_cpu_ms_per_command"] = (
            1000 * (cpu_seconds(os.getpid()) - cpu_before[1]) / commands
        )
        if args.bot_workers == 1 and samples:
            timed_from = samples[0].sent
            in_bot = [
                ms
                for started, ms in httpx.get(f"http://127.0.0.1:{port}{BOT_ACKS_PATH}").json()
                if started >= timed_from
            ]
            figures["bot_ack_p50_ms"] = percentile(in_bot, 0.50)
            figures["bot_ack_p99_ms"] = percentile(in_bot, 0.99)
        figures.update(
            entities=layout.entities,
            concurrency=args.concurrency,
            warmup=warmup,
            bot_workers=args.bot_workers,
        )
        bad = [p for p in state.response_url_posts if p.status != 200]
        figures["answers_refused_by_slack"] = len(bad)
        return figures
    finally:
        if bot_process is not None:
            bot_process.terminate()
            try:
                bot_process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                bot_process.kill()
        if standin is not None:
            standin.stop(wait=False)
        if not args.keep and not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)


def report(figures: dict[str, Any], echo: Callable[[str], None]) -> None:
    """Print the figures, with the targets at 100k entities."""

    def ms(key: str) -> str:
        value = figures.get(key)
        return "n/a" if value is None else f"{value:.1f} ms"

    at_target = figures["entities"] >= TARGET_SIZE
    echo("")
    echo(
        f"Slack commands: {figures['entities']} entities, {figures['concurrency']} concurrent, "
        f"{figures['requests']} timed requests (after {figures['warmup']} warm-up)"
        + (f", {figures['bot_workers']} bot processes" if figures.get("bot_workers", 1) > 1 else "")
    )
    for label, key, target in (
        ("ack p50", "ack_p50_ms", None),
        ("ack p99", "ack_p99_ms", "ack_p99"),
        ("ack max", "ack_max_ms", None),
        ("  in the bot p50", "bot_ack_p50_ms", None),
        ("  in the bot p99", "bot_ack_p99_ms", None),
        ("answer p50", "answer_p50_ms", None),
        ("answer p99", "answer_p99_ms", "answer_p99"),
        ("answer max", "answer_max_ms", None),
    ):
        line = f"  {label:<16} {ms(key):>10}"
        if target is not None:
            goal = TARGETS[target]
            value = figures.get(key)
            verdict = goal.verdict(value) if at_target else "(target is for 100k)"
            line += f"   target {goal.shown()}: {verdict}"
        echo(line)
    bot_cpu = figures.get("bot_cpu_ms_per_command")
    if bot_cpu is not None:
        echo(f"  bot CPU      {bot_cpu:>8.2f} ms a command (warm-up included)")
    echo(
        f"  sender CPU   {figures['sender_cpu_ms_per_command']:>8.2f} ms a command "
        "(load generator and stand-in)"
    )
    throughput = figures.get("throughput_per_s")
    echo(f"  throughput   {throughput:>8.1f} answers/s" if throughput else "  throughput   n/a")
    echo(
        f"  answered {figures['answered']}/{figures['requests']}, acked 200: "
        f"{figures['acked_200']}, refused by Slack: {figures['answers_refused_by_slack']}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the benchmark and print its figures (``--json`` for JSON too)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.slack_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--entities", type=int, default=TARGET_SIZE, help="catalog size")
    parser.add_argument("--concurrency", type=int, default=50, help="commands in flight")
    parser.add_argument("--requests", type=int, default=1000, help="timed commands")
    parser.add_argument("--seed", type=int, default=7, help="generator and choice seed")
    parser.add_argument(
        "--warmup",
        type=int,
        help="commands sent before the timed ones, in the same run (default 2 per person)",
    )
    parser.add_argument(
        "--work-dir",
        help="where the catalog and database go (kept; a second run there reuses them)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument(
        "--bot-workers",
        type=int,
        default=1,
        help="run the bot as `callboard serve --workers N` (N server processes)",
    )
    parser.add_argument("--serve-bot", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bot is not None:
        serve_bot(args.serve_bot, args.port)
        return 0
    figures = run(args, print)
    report(figures, print)
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0 if figures["failed"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
