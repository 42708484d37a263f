"""The Slack benchmark runs end to end on a small catalog and prints its figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import slack_bench


def test_slack_bench_runs_on_a_small_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--entities", "400", "--concurrency", "5", "--requests", "30"]
    code = slack_bench.main([*argv, "--work-dir", str(tmp_path), "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    for label in ("ack p50", "ack p99", "answer p99", "throughput", "answered 30/30"):
        assert label in out
    figures = json.loads(out[out.index("{") :])
    assert figures["answered"] == 30 and figures["answers_refused_by_slack"] == 0
    assert 0 < figures["ack_p50_ms"] <= figures["ack_p99_ms"] < 3000
    assert figures["answer_p50_ms"] >= figures["ack_p50_ms"]
    assert figures["bot_cpu_ms_per_command"] > 0 and figures["sender_cpu_ms_per_command"] > 0
    assert 0 < figures["bot_ack_p50_ms"] <= figures["bot_ack_p99_ms"] <= figures["ack_max_ms"]
    again = slack_bench.main([*argv, "--work-dir", str(tmp_path)])
    assert again == 0 and "ingested earlier" in capsys.readouterr().out


def test_percentiles() -> None:
    assert slack_bench.percentile([], 0.5) is None
    values = [float(v) for v in range(1, 101)]
    assert slack_bench.percentile(values, 0.5) == 50.0
    assert slack_bench.percentile(values, 0.99) == 99.0
    assert slack_bench.percentile([7.0], 0.99) == 7.0
