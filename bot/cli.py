"""The ``callboard`` command line: ``serve``, ``catalog ingest``, ``catalog validate``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from bot.config_file import ConfigError
from bot.settings import Settings, load_settings
from catalog_store.catalog_writer import ProcessingError

DEFAULT_CONFIG = "callboard.yaml"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``callboard`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("CALLBOARD_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
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
    serve.set_defaults(run=_serve)

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


def _settings(args: argparse.Namespace) -> Settings:
    path: Path = args.config
    if not path.exists():
        if "config" in vars(args) and path != Path(DEFAULT_CONFIG):
            raise ConfigError(f"{path}: no such file")
        return load_settings(None)
    return load_settings(path)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.app import create_app
    from bot.wiring import build_wiring

    settings = _settings(args)
    host = args.host or settings.server.host
    port = args.port if args.port is not None else settings.server.port
    wiring = build_wiring(settings)
    app = create_app(wiring)
    _echo(
        f"Callboard catalog API on http://{host}:{port}/api/catalog/entities "
        f"(database {_safe_url(settings.database_url())})",
        flush=True,
    )
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        wiring.close()
    return 0


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
