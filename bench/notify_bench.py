"""Run notifications under load: webhook answers, delivery, duplicates, Slack calls per run
and the time the outbox takes to drain.

A catalog of ``--channels`` teams, each with its Slack channel, owning ``--runs``
components is ingested by the bot, which runs as ``callboard serve`` in its own process.
The Slack stand-in runs in this process and enforces Slack's rate limit (about one message
a second per channel, short bursts). Every run gets ``--events-per-run`` signed webhook
events of the generic format: its status changes (a deployment goes queued, running,
succeeded or failed; a terraform run queued, planning, plan ready with counts, applying,
done), progress reports that repeat the current status, exact replays of earlier
deliveries, and late events that arrive after the run ended. ``--concurrency`` senders
post them as fast as the bot answers.

Figures:

* **webhook answer** p50/p99: sending a request to its 2xx (the events are committed);
* **events delivered**: runs whose single message shows their final status, out of all;
* **duplicates**: run messages posted more than once, thread replies posted more than once;
* **Slack calls per run**: ``chat.postMessage`` and ``chat.update`` calls (rate-limited
  answers included) against the run's status changes + 2;
* **drain**: from the last webhook answer until every card shows its final status and
  the outbox holds nothing pending.

Usage::

    python -m bench.notify_bench [--runs 500] [--channels 50] [--events-per-run 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from bench.catalog_bench import Target
from workflows.webhooks.generic import sign

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-generic-secret"
SIGNING_SECRET = "bench-signing-secret"
TARGETS = {"answer_p99": Target(50, "ms")}
FINAL_WORDS = {"succeeded": "done", "failed": "failed"}
RUN_MARK = re.compile(r"bench-run-\d+")


@dataclass
class Run:
    """One run and the events sent for it."""

    number: int
    kind: str
    component: str
    channel: str
    statuses: list[str]
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def run_id(self) -> str:
        return f"bench-run-{self.number}"

    @property
    def final(self) -> str:
        return self.statuses[-1]


def team_channel(index: int) -> str:
    return f"C0BENCH{index:03d}"


def write_catalog(root: Path, runs: int, channels: int) -> Path:
    """Teams with channels and the components they own, as one YAML file."""
    documents = []
    for team in range(channels):
        documents.append(
            {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "Group",
                "metadata": {
                    "name": f"team-{team:03d}",
                    "annotations": {"slack.com/channel-id": team_channel(team)},
                },
                "spec": {"type": "team", "children": []},
            }
        )
    for number in range(runs):
        documents.append(
            {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "Component",
                "metadata": {"name": f"service-{number:04d}"},
                "spec": {
                    "type": "service",
                    "lifecycle": "production",
                    "owner": f"team-{number % channels:03d}",
                },
            }
        )
    path = root / "catalog.yaml"
    path.write_text("---\n".join(json.dumps(d) + "\n" for d in documents))
    return path


def run_event(run: Run, status: str, at: int, index: int, **extra: Any) -> dict[str, Any]:
    """One generic-format event of ``run`` at unix time ``at``."""
    body: dict[str, Any] = {
        "source": "bench-ci",
        "run_id": run.run_id,
        "event_id": f"{run.run_id}-{index}",
        "kind": run.kind,
        "status": status,
        "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at)),
        "component": run.component,
        "environment": "staging",
        "title": run.run_id,
        "actor": f"user-{run.number % 17}",
        "commit": f"{run.number:040x}",
        "links": [{"label": "Run", "url": f"https://ci.example/runs/{run.number}"}],
    }
    body.update(extra)
    return body


def plan_runs(runs: int, channels: int, per_run: int, seed: int) -> list[Run]:
    """Every run's events: status changes, progress repeats, replays and late arrivals."""
    rng = random.Random(seed)
    planned = []
    start = 1_795_000_000
    for number in range(runs):
        terraform = number % 2 == 1
        final = "failed" if rng.random() < 0.1 else "succeeded"
        statuses = (
            ["queued", "planning", "planned", "applying", final]
            if terraform
            else ["queued", "running", final]
        )
        run = Run(
            number=number,
            kind="terraform" if terraform else "deployment",
            component=f"service-{number:04d}",
            channel=team_channel(number % channels),
            statuses=statuses,
        )
        clock = start + number

        sequence: list[dict[str, Any]] = []
        for step, status in enumerate(statuses):
            extra: dict[str, Any] = {}
            if status == "planned":
                extra["plan_counts"] = {"add": 3, "change": 1, "destroy": 0}
            if status == "failed":
                extra["detail"] = "Error: the health check timed out"
            sequence.append(run_event(run, status, clock + 60 * step, len(sequence), **extra))
            if status not in FINAL_WORDS:
                for repeat in range(rng.randint(0, 3)):
                    at = clock + 60 * step + 10 * (repeat + 1)
                    sequence.append(run_event(run, status, at, len(sequence)))
        while len(sequence) < per_run:
            roll = rng.random()
            if roll < 0.6:
                sequence.append(dict(rng.choice(sequence)))  # an exact replay
            else:
                late = rng.choice(statuses[:-1])
                sequence.append(
                    run_event(run, late, clock + 5, len(sequence))
                )  # arrives after the end
        run.events = sequence[:per_run]
        planned.append(run)
    return planned


def sending_order(runs: Sequence[Run], seed: int) -> list[dict[str, Any]]:
    """All events, runs interleaved, each run's own events in their order."""
    rng = random.Random(seed + 1)
    queues = [list(run.events) for run in runs]
    order: list[dict[str, Any]] = []
    while queues:
        index = rng.randrange(len(queues))
        order.append(queues[index].pop(0))
        if not queues[index]:
            queues.pop(index)
    return order


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def bot_config(work: Path, catalog: Path, database_url: str, api_url: str, token: str) -> Path:
    """The bot's ``callboard.yaml`` for the run."""
    path = work / "callboard.yaml"
    config = {
        "database": {"url": database_url},
        "catalog": {
            "rules": [{"allow": ["Component", "Group"]}],
            "locations": [{"type": "file", "target": str(catalog)}],
            "refreshIntervalSeconds": 3600,
        },
        "slack": {"botToken": token, "signingSecret": SIGNING_SECRET, "apiUrl": api_url},
        "notifications": {
            "defaultChannel": team_channel(0),
            "digest": {"enabled": False},
            "delivery": {"workers": 4},
        },
        "webhooks": {"generic": {"secret": SECRET}},
    }
    path.write_text(json.dumps(config, indent=2))
    return path


def start_bot(
    config: Path, port: int, last_component: str, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """``callboard serve`` on ``port``, once it serves the whole catalog (its log to ``log``)."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "CALLBOARD_LOG_LEVEL": "WARNING"}
    output = log.open("ab") if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--config", str(config), "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=output,
        stderr=output,
    )
    url = f"http://127.0.0.1:{port}/api/catalog/entities/by-name/component/default/{last_component}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the bot exited ({process.returncode})")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the bot did not serve the catalog in time")


async def send_all(
    url: str, events: Sequence[dict[str, Any]], concurrency: int, rate: float | None = None
) -> tuple[list[float], Counter[int], float]:
    """Post every event; latencies (ms), statuses and the seconds it took.

    Without ``rate``, ``concurrency`` senders post back to back (the highest rate the bot
    sustains). With ``rate``, events start at that many a second whatever the answers do,
    at most ``concurrency`` in flight, and each latency counts from the moment its event
    was due (a slow answer delays no measurement).
    """
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def post(event: dict[str, Any], due: float) -> None:
            body = json.dumps(event).encode()
            headers = {"Content-Type": "application/json", **sign(SECRET, body, int(time.time()))}
            answer = await client.post(url, content=body, headers=headers)
            latencies.append((time.perf_counter() - due) * 1000)
            statuses[answer.status_code] += 1

        started = time.perf_counter()
        if rate is None:
            queue = list(reversed(events))

            async def sender() -> None:
                while queue:
                    await post(queue.pop(), time.perf_counter())

            await asyncio.gather(*(sender() for _ in range(concurrency)))
        else:
            tasks = []
            for index, event in enumerate(events):
                due = started + index / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(post(event, due)))
            await asyncio.gather(*tasks)
        return latencies, statuses, time.perf_counter() - started


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def outbox_pending(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text("SELECT count(*) FROM notify_outbox WHERE state = 'pending'")
                ).scalar_one()
            )
    finally:
        engine.dispose()


def run(args: argparse.Namespace, echo: Callable[[str], None]) -> dict[str, Any]:
    """Build, start, load, wait for the drain; the figures."""
    from bot.slack_standin import RateLimit, StandinServer, StandinState, Workspace
    from bot.slack_standin.workspace import DEFAULT_CONFIG

    work = Path(tempfile.mkdtemp(prefix="callboard-notify-bench-"))
    process: subprocess.Popen[bytes] | None = None
    standin: StandinServer | None = None
    try:
        catalog = write_catalog(work, args.runs, args.channels)
        workspace = dict(DEFAULT_CONFIG)
        workspace["channels"] = [
            {"id": team_channel(n), "name": f"team-{n:03d}", "bot_member": True}
            for n in range(args.channels)
        ]
        state = StandinState(
            Workspace.from_config(workspace),
            rate_limit=RateLimit(per_second=args.slack_rate, burst=3),
        )
        standin = StandinServer(state).start()
        database_url = f"sqlite:///{work / 'notify-bench.db'}"
        config = bot_config(work, catalog, database_url, standin.api_url, state.workspace.bot_token)
        port = free_port()
        started = time.perf_counter()
        process = start_bot(config, port, f"service-{args.runs - 1:04d}", args.bot_log)
        echo(f"bot: serving {args.runs} components in {time.perf_counter() - started:.1f} s")

        runs = plan_runs(args.runs, args.channels, args.events_per_run, args.seed)
        events = sending_order(runs, args.seed)
        echo(f"sending {len(events)} events for {len(runs)} runs to {args.channels} channels")
        latencies, statuses, elapsed = asyncio.run(
            send_all(
                f"http://127.0.0.1:{port}/webhooks/generic", events, args.concurrency, args.rate
            )
        )
        sent_at = time.perf_counter()

        bot_user = state.workspace.bot_user_id

        def cards() -> dict[str, list[Any]]:
            found: dict[str, list[Any]] = {}
            for channel in {run.channel for run in runs}:
                for message in state.channel_messages(channel):
                    if message.user != bot_user or message.thread_ts not in (None, message.ts):
                        continue
                    mark = RUN_MARK.search(message.text or "")
                    if mark:
                        found.setdefault(mark.group(), []).append(message)
            return found

        def delivered() -> int:
            found = cards()
            count = 0
            for run in runs:
                messages = found.get(run.run_id, [])
                word = FINAL_WORDS[run.final]
                if (messages and f": {run.final}" in (messages[0].text or "")) or (
                    messages and word in json.dumps(messages[0].blocks)
                ):
                    count += 1
            return count

        deadline = sent_at + args.drain_timeout
        while time.perf_counter() < deadline:
            if delivered() == len(runs) and outbox_pending(database_url) == 0:
                break
            time.sleep(0.5)
        drain = time.perf_counter() - sent_at
        found = cards()
        duplicate_cards = sum(len(m) - 1 for m in found.values() if len(m) > 1)
        replies: Counter[str] = Counter()
        for channel in {run.channel for run in runs}:
            for message in state.channel_messages(channel):
                key = ((message.metadata or {}).get("event_payload") or {}).get("key")
                if message.thread_ts not in (None, message.ts) and key:
                    replies[key] += 1
        duplicate_replies = sum(n - 1 for n in replies.values() if n > 1)
        writes = len(state.calls("chat.postMessage")) + len(state.calls("chat.update"))
        limited = sum(
            1
            for method in ("chat.postMessage", "chat.update")
            for call in state.calls(method)
            if call.result.get("error") == "ratelimited"
        )
        status_changes = sum(len(run.statuses) for run in runs)
        return {
            "runs": len(runs),
            "channels": args.channels,
            "events": len(events),
            "concurrency": args.concurrency,
            "rate": args.rate,
            "answer_p50": percentile(latencies, 0.50),
            "answer_p99": percentile(latencies, 0.99),
            "answer_max": max(latencies),
            "events_per_s": len(events) / elapsed,
            "statuses": dict(statuses),
            "delivered": delivered(),
            "duplicate_cards": duplicate_cards,
            "duplicate_replies": duplicate_replies,
            "slack_writes": writes,
            "slack_rate_limited": limited,
            "writes_per_run": writes / len(runs),
            "allowed_per_run": (status_changes + 2 * len(runs)) / len(runs),
            "drain_s": drain,
            "slack_rate": args.slack_rate,
        }
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        if standin is not None:
            standin.stop(wait=False)
        shutil.rmtree(work, ignore_errors=True)


def report(figures: dict[str, Any], echo: Callable[[str], None]) -> None:
    """Print the figures with the targets."""
    target = TARGETS["answer_p99"].limit
    verdict = "PASS" if figures["answer_p99"] <= target else "MISS"
    all_in = figures["delivered"] == figures["runs"]
    no_dupes = figures["duplicate_cards"] == 0 and figures["duplicate_replies"] == 0
    calls_ok = figures["writes_per_run"] <= figures["allowed_per_run"]
    echo("")
    pace = (
        f"{figures['rate']:g} events/s on schedule"
        if figures["rate"]
        else f"{figures['concurrency']} senders back to back"
    )
    echo(
        f"Run notifications: {figures['events']} webhook events, {figures['runs']} runs, "
        f"{figures['channels']} channels, {pace}"
    )
    echo(f"  webhook answer p50   {figures['answer_p50']:8.1f} ms")
    echo(
        f"  webhook answer p99   {figures['answer_p99']:8.1f} ms   target <= {target} ms: {verdict}"
    )
    echo(f"  webhook answer max   {figures['answer_max']:8.1f} ms")
    echo(f"  accepted             {figures['events_per_s']:8.1f} events/s  {figures['statuses']}")
    echo(
        f"  events delivered     {figures['delivered']} of {figures['runs']} runs final: "
        f"{'PASS' if all_in else 'MISS'}"
    )
    echo(
        f"  duplicates           {figures['duplicate_cards']} cards, "
        f"{figures['duplicate_replies']} replies: {'PASS' if no_dupes else 'MISS'}"
    )
    echo(
        f"  Slack calls per run  {figures['writes_per_run']:8.2f} (status changes + 2 = "
        f"{figures['allowed_per_run']:.2f}): {'PASS' if calls_ok else 'MISS'}; "
        f"{figures['slack_rate_limited']} answered 429"
    )
    echo(
        f"  outbox drained in    {figures['drain_s']:8.1f} s  (Slack allows "
        f"{figures['slack_rate']:g} message/s per channel)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=500, help="runs (one component each)")
    parser.add_argument("--channels", type=int, default=50, help="team channels")
    parser.add_argument("--events-per-run", type=int, default=20, help="webhook events per run")
    parser.add_argument("--concurrency", type=int, default=8, help="senders in flight")
    parser.add_argument(
        "--rate", type=float, help="events a second, sent on schedule (default: back to back)"
    )
    parser.add_argument("--slack-rate", type=float, default=1.0, help="messages/s per channel")
    parser.add_argument("--drain-timeout", type=float, default=900, help="seconds to wait")
    parser.add_argument("--seed", type=int, default=7, help="event generator seed")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument("--bot-log", type=Path, help="append the bot's output to this file")
    args = parser.parse_args(argv)
    figures = run(args, print)
    report(figures, print)
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
