"""The callboard command line."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.cli import main
from tests.catalog_store.ingest.conftest import component, write

REPO = Path(__file__).resolve().parents[2]


def test_validate_prints_file_line_field_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "payments.yaml", component("payments").replace('  owner: "team-a"\n', ""))
    write(tmp_path / "ok.yaml", component("fine"))
    assert (
        main(["catalog", "validate", str(tmp_path / "payments.yaml"), str(tmp_path / "ok.yaml")])
        == 1
    )
    out = capsys.readouterr()
    assert out.out.splitlines() == ["payments.yaml:5: spec.owner: required"]
    assert "2 file(s), 1 valid entit(y/ies), 1 error(s)" in out.err


def test_validate_passes_the_example_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "validate", str(REPO / "examples/catalog/all.yaml")]) == 0
    assert capsys.readouterr().out == ""


def test_validate_a_folder_by_pattern(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "a/catalog-info.yaml", component("a"))
    write(tmp_path / "b/catalog-info.yaml", "kind: Component\n")
    write(tmp_path / "b/unrelated.yaml", "not: an entity\n")
    assert main(["catalog", "validate", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "b/catalog-info.yaml:1: apiVersion: required" in lines
    assert not any("unrelated" in line for line in lines)


def test_ingest_reads_the_configured_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "catalog/c.yaml", component("svc"))
    config = write(
        tmp_path / "callboard.yaml",
        f"""
        database:
          url: sqlite:///{tmp_path / "cb.db"}
        catalog:
          locations:
            - type: file
              target: ./catalog/c.yaml
    """,
    )
    assert main(["catalog", "ingest", "--config", str(config), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["added"], summary["errors"]) == (1, [])
    assert main(["catalog", "ingest", "--config", str(config), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unchanged"] == 0


def test_a_missing_config_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", "ingest", "--config", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml: no such file" in capsys.readouterr().err


def test_console_script_is_installed() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "callboard"), "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "serve" in done.stdout and "catalog" in done.stdout


@pytest.fixture
def example_config(tmp_path: Path) -> Path:
    """The example catalog and rules, with a database of the test's own."""
    config = (REPO / "examples/callboard.yaml").read_text(encoding="utf-8")
    config = config.replace("./catalog/", f"{REPO / 'examples/catalog'}/")
    config = config.replace("sqlite:///.callboard/callboard.db", f"sqlite:///{tmp_path / 'cb.db'}")
    return write(tmp_path / "callboard.yaml", config)


def test_whois_reads_an_empty_catalog_first_and_answers(
    example_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["whois", "--config", str(example_config), "payment", "srvice"]) == 0
    out = capsys.readouterr()
    assert "reading the configured locations first" in out.err
    lines = out.out.splitlines()
    assert lines[0].startswith("payment-service — Payment Service")
    assert any(line.startswith("Owner: Payments (group:default/payments-team)") for line in lines)


def test_find_json_lists_hits_with_their_matches(
    example_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["find", "--config", str(example_config), "--json", "kind:api", "payments"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["hits"][0]["entity_ref"] == "api:default/payments-api"
    assert data["hits"][0]["matches"][0]["field"]
    assert data["total"] >= 1


def test_find_with_an_unknown_filter_explains_and_fails(
    example_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["find", "--config", str(example_config), "colour:blue"]) == 1
    assert "colour" in capsys.readouterr().err


def test_whois_of_nothing_fails_with_a_message_in_json(
    example_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["whois", "--config", str(example_config), "--json", "zqxjkvwy"]) == 1
    assert "Nothing in the catalog matches" in json.loads(capsys.readouterr().out)["error"]


def test_oncall_at_a_given_moment(example_config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["oncall", "--config", str(example_config), "--json", "--at", "2024-01-03T11:00"]
    assert main([*args, "checkout", "team"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["entity"]["ref"] == "group:default/checkout-team"
    assert [s["person"]["user_ref"] for s in data["oncall"]["now"]] == ["user:default/dan"]


def test_oncall_rejects_a_malformed_moment(
    example_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["oncall", "--config", str(example_config), "--at", "yesterday", "checkout"])
    assert "not an ISO 8601 time" in capsys.readouterr().err


def test_request_urls_stay_out_of_the_log(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(logging.getLogger("httpx"), "level", logging.NOTSET)
    assert main([]) == 2
    caplog.set_level(logging.INFO)
    answered = httpx.MockTransport(lambda _request: httpx.Response(200, text="ok"))
    with httpx.Client(transport=answered) as client:
        client.post("https://hooks.slack.com/commands/T0/1/s3cr3t", json={"text": "hi"})
    assert "s3cr3t" not in caplog.text
