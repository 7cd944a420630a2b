"""Headless subcommands.

Each module here defines `NAME`, `HELP`, `configure(parser)` and
`run(args) -> int`, keeps its heavy imports inside `run`, and is listed in
`COMMANDS` below so `cli.py` can build its parser without importing Qt.
"""

from __future__ import annotations

import argparse
import importlib
from types import ModuleType
from typing import Protocol

# Module names under kapusta_desktop.commands, in the order `--help` lists them.
COMMANDS: list[str] = [
    "db",
    "config",
    "sync",
    "simulate_call",
    "sandbox",
    "relay",
]


class Command(Protocol):
    NAME: str
    HELP: str

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def load_commands() -> dict[str, ModuleType]:
    loaded: dict[str, ModuleType] = {}
    for mod_name in COMMANDS:
        mod = importlib.import_module(f"kapusta_desktop.commands.{mod_name}")
        loaded[mod.NAME] = mod
    return loaded
