"""Command line: global options, the GUI by default, headless subcommands on request."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kapusta_desktop import __version__
from kapusta_desktop.commands import load_commands


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so errors are reported one way."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}\n{self.format_usage().strip()}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kapusta-desktop",
        description="KAPUSTA desktop: the sales desk console for Bitrix24, Mango Office and Telegram.",
    )
    parser.add_argument("--version", action="version", version=f"kapusta-desktop {__version__}")
    parser.add_argument("--profile", metavar="DIR", help="profile directory (database, logs, settings)")
    parser.add_argument("--demo", action="store_true", help="open on sample data and loopback sandboxes")
    parser.add_argument("--lang", choices=["ru", "en"], help="interface language (default: system locale)")
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="log detail"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, mod in load_commands().items():
        sub = subparsers.add_parser(name, help=mod.HELP, description=mod.HELP)
        mod.configure(sub)
        sub.set_defaults(_command=mod)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    command = getattr(args, "_command", None)
    if command is not None:
        return int(command.run(args) or 0)
    from kapusta_desktop.app import run_gui

    return run_gui(args)
