"""The ``callboard`` command line: ``serve``, ``dev``, ``find``, ``whois``, ``oncall``,
``catalog ingest``, ``catalog validate``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pydantic import ValidationError

from bot.config_file import ConfigError
from bot.settings import Settings, load_settings
from catalog_store.catalog_writer import ProcessingError

if TYPE_CHECKING:
    from bot.wiring import Wiring
    from commands.services import Discovery

DEFAULT_CONFIG = "callboard.yaml"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``callboard`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("CALLBOARD_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs each request with its whole URL at INFO: a response_url (Slack's way back
    # to a person) or a location URL with a token in it must not reach the log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return int(args.run(args))
    except (ConfigError, ValidationError) as exc:
        _echo(f"callboard: configuration error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="callboard", description=__doc__)
    commands = parser.add_subparsers(title="commands")

    serve = commands.add_parser("serve", help="run the HTTP server (catalog API, refresh)")
    _config_option(serve)
    serve.add_argument("--host", help="address to listen on (server.host)")
    serve.add_argument("--port", type=int, help="port to listen on (server.port)")
    serve.add_argument(
        "--workers", type=int, help="server processes sharing the port (server.workers)"
    )
    serve.set_defaults(run=_serve)

    dev = commands.add_parser(
        "dev", help="run the bot and a local Slack stand-in, reading the catalog first"
    )
    _config_option(dev)
    dev.add_argument("--host", help="address the bot listens on (server.host)")
    dev.add_argument("--port", type=int, help="port of the bot (server.port)")
    dev.add_argument(
        "--standin-port",
        type=int,
        default=3000,
        help="port of the Slack stand-in's page (default %(default)s; another when taken)",
    )
    dev.set_defaults(run=_dev)

    find = commands.add_parser("find", help="search the catalog (typos, filters such as kind:api)")
    find.add_argument("query", nargs="+", help="words and filters, e.g. kind:api checkout")
    find.add_argument("--limit", type=int, default=10, help="results to show (default 10)")
    find.add_argument("--offset", type=int, default=0, help="results to skip")
    _answer_options(find)
    find.set_defaults(run=_find)

    whois = commands.add_parser(
        "whois", help="an entity with its owner, contacts and who is on call now and next"
    )
    whois.add_argument("query", nargs="+", help="a name, words or a ref")
    _answer_options(whois, at=True)
    whois.set_defaults(run=_whois)

    oncall = commands.add_parser("oncall", help="who is on call now and next for a team or entity")
    oncall.add_argument("query", nargs="+", help="a group or any entity")
    _answer_options(oncall, at=True)
    oncall.set_defaults(run=_oncall)

    catalog = commands.add_parser("catalog", help="catalog maintenance")
    catalog_commands = catalog.add_subparsers(title="catalog commands")
    ingest = catalog_commands.add_parser("ingest", help="read every location once and exit")
    _config_option(ingest)
    ingest.add_argument("--json", action="store_true", help="print the summary as JSON")
    ingest.set_defaults(run=_ingest)
    validate = catalog_commands.add_parser(
        "validate", help="check catalog files offline; exit 1 when any error is found"
    )
    validate.add_argument("paths", nargs="+", type=Path, help="files or folders")
    validate.add_argument(
        "--pattern",
        default="**/catalog-info.yaml",
        help="files to read inside folders (default: %(default)s)",
    )
    validate.set_defaults(run=_validate)
    return parser


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=Path(os.environ.get("CALLBOARD_CONFIG", DEFAULT_CONFIG)),
        help="configuration file (default: $CALLBOARD_CONFIG or %(default)s)",
    )


def _answer_options(parser: argparse.ArgumentParser, *, at: bool = False) -> None:
    _config_option(parser)
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    if at:
        parser.add_argument(
            "--at",
            type=_moment,
            help="the moment to ask about, ISO 8601 (default: now; naive times are UTC)",
        )


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _settings(args: argparse.Namespace) -> Settings:
    path: Path = args.config
    if not path.exists():
        if "config" in vars(args) and path != Path(DEFAULT_CONFIG):
            raise ConfigError(f"{path}: no such file")
        return load_settings(None)
    return load_settings(path)


def _serve_processes(
    args: argparse.Namespace,
    settings: Settings,
    wiring: Wiring,
    host: str,
    port: int,
    workers: int,
) -> int:
    """``workers`` server processes on one port, each with its own wiring (the database
    was migrated here first). Scheduled catalog refreshes run in one process at a time."""
    import uvicorn

    wiring.close()
    if args.config.exists():
        os.environ["CALLBOARD_CONFIG"] = str(args.config.resolve())
    _echo(
        f"Callboard catalog API on http://{host}:{port}/api/catalog/entities, "
        f"{workers} processes (database {_safe_url(settings.database_url())})",
        flush=True,
    )
    uvicorn.run(
        "bot.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.app import create_app
    from bot.wiring import build_wiring

    settings = _settings(args)
    host = args.host or settings.server.host
    port = args.port if args.port is not None else settings.server.port
    workers = args.workers if args.workers is not None else settings.server.workers
    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    wiring = build_wiring(settings)
    if workers > 1:
        return _serve_processes(args, settings, wiring, host, port, workers)
    app = create_app(wiring)
    _echo(
        f"Callboard catalog API on http://{host}:{port}/api/catalog/entities "
        f"(database {_safe_url(settings.database_url())})",
        flush=True,
    )
    slack = wiring.slack()
    if slack is not None and slack.config.http:
        _echo(f"Slack requests at http://{host}:{port}/slack/events", flush=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        wiring.close()
    return 0


def _dev(args: argparse.Namespace) -> int:
    from bot.slack_app.dev import run_dev

    settings = _settings(args)
    return run_dev(
        settings,
        host=args.host or settings.server.host,
        port=args.port if args.port is not None else settings.server.port,
        standin_port=args.standin_port,
        echo=lambda line: _echo(line, flush=True),
    )


def _ingest(args: argparse.Namespace) -> int:
    from bot.wiring import build_wiring

    wiring = build_wiring(_settings(args))
    try:
        results = wiring.catalog.refresh_all()
        errors: list[ProcessingError] = [e for stats in results.values() for e in stats.errors]
        summary = {
            "locations": len(results),
            "added": sum(s.added for s in results.values()),
            "updated": sum(s.updated for s in results.values()),
            "unchanged": sum(s.unchanged for s in results.values()),
            "orphaned": sum(s.orphaned for s in results.values()),
            "errors": [str(e) for e in errors],
        }
    finally:
        wiring.close()
    if args.json:
        _echo(json.dumps(summary, indent=2))
    else:
        for error in errors:
            _echo(error)
        _echo(
            f"{summary['locations']} location(s): {summary['added']} added, "
            f"{summary['updated']} updated, {summary['unchanged']} unchanged, "
            f"{summary['orphaned']} orphaned, {len(errors)} error(s)"
        )
    return 0


def _answer(args: argparse.Namespace, ask: Callable[[Discovery], Any]) -> int:
    """Run a discovery command on the configured catalog and print its answer."""
    from bot.wiring import build_wiring
    from commands.errors import CommandError
    from commands.json_output import to_jsonable

    wiring = build_wiring(_settings(args))
    try:
        if wiring.catalog.is_empty():
            _echo("The catalog is empty: reading the configured locations first.", file=sys.stderr)
            wiring.catalog.refresh_all()
        try:
            answer = ask(wiring.discovery())
        except CommandError as exc:
            if args.json:
                _echo(json.dumps({"error": exc.message, "suggestions": list(exc.suggestions)}))
            else:
                _echo(exc.message, file=sys.stderr)
            return 1
    finally:
        wiring.close()
    if args.json:
        _echo(json.dumps(to_jsonable(answer), indent=2, ensure_ascii=False))
    else:
        from commands import plain_text

        render: Callable[[Any], str] = getattr(plain_text, f"render_{args.verb}")
        _echo(render(answer))
    return 0


def _find(args: argparse.Namespace) -> int:
    from commands.find import find

    args.verb = "find"
    text = " ".join(args.query)
    return _answer(args, lambda d: find(d, text, limit=args.limit, offset=args.offset))


def _whois(args: argparse.Namespace) -> int:
    from commands.whois import whois

    args.verb = "whois"
    text = " ".join(args.query)
    return _answer(args, lambda d: whois(d, text, at=args.at))


def _oncall(args: argparse.Namespace) -> int:
    from commands.oncall import oncall

    args.verb = "oncall"
    text = " ".join(args.query)
    return _answer(args, lambda d: oncall(d, text, at=args.at))


def _validate(args: argparse.Namespace) -> int:
    from catalog_store.ingest.validate_files import validate_paths

    report = validate_paths(args.paths, folder_pattern=args.pattern)
    for error in report.errors:
        _echo(error)
    _echo(
        f"{report.files} file(s), {report.entities} valid entit(y/ies), "
        f"{len(report.errors)} error(s)",
        file=sys.stderr,
    )
    return 1 if report.errors else 0


def _echo(*parts: object, file: TextIO | None = None, flush: bool = False) -> None:
    stream = file or sys.stdout
    stream.write(" ".join(str(p) for p in parts) + "\n")
    if flush:
        stream.flush()


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    raise SystemExit(main())
