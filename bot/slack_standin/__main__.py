"""``python -m bot.slack_standin``: the Slack stand-in on its own.

    python -m bot.slack_standin --port 3000 \\
        --bot-url http://127.0.0.1:7007/slack/events --signing-secret S --bot-token xoxb-…
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from bot.slack_standin.rate_limit import RateLimit
from bot.slack_standin.server import StandinServer
from bot.slack_standin.state import StandinState
from bot.slack_standin.workspace import DEFAULT_CONFIG, Workspace


def build_parser() -> argparse.ArgumentParser:
    """The command line's options."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.slack_standin",
        description="A local Slack: the Web API, signed requests to the bot, and a page.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=3000, help="port (0: any free port)")
    parser.add_argument("--bot-url", help="the bot's request URL (…/slack/events)")
    parser.add_argument("--signing-secret", help="the app's signing secret")
    parser.add_argument("--bot-token", help="the bot token the Web API accepts (xoxb-…)")
    parser.add_argument("--workspace", type=Path, help="YAML with team, bot, users, channels")
    parser.add_argument(
        "--messages-per-second", type=float, default=1.0, help="chat.postMessage rate a channel"
    )
    parser.add_argument("--burst", type=int, default=3, help="messages allowed in a burst")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the stand-in until interrupted."""
    args = build_parser().parse_args(argv)
    if args.bot_url and not args.signing_secret:
        sys.stderr.write("--bot-url needs --signing-secret\n")
        return 2
    config = dict(DEFAULT_CONFIG)
    if args.workspace is not None:
        config = yaml.safe_load(args.workspace.read_text(encoding="utf-8")) or {}
    if args.bot_token:
        config["bot"] = {**(config.get("bot") or {}), "token": args.bot_token}
    workspace = Workspace.from_config(config)
    state = StandinState(
        workspace, rate_limit=RateLimit(per_second=args.messages_per_second, burst=args.burst)
    )
    server = StandinServer(
        state,
        host=args.host,
        port=args.port,
        bot_url=args.bot_url,
        signing_secret=args.signing_secret,
    )
    lines = [f"Slack stand-in: {server.url}", f"Web API: {server.api_url}"]
    if args.bot_url:
        lines.append(f"Sending Slack's requests to {args.bot_url}")
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
