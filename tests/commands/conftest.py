"""One running `kapusta-desktop sandbox` shared by the tests that talk to what it prints."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# What the command prints for each emulator, in the order it starts them.
EXPECTED_PREFIXES = ("bitrix24 webhook:", "mango api:")


@pytest.fixture(scope="session")
def sandbox_command(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Start the command once for the run; map each expected prefix to the line it printed."""
    profile = tmp_path_factory.mktemp("sandbox-profile")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "KAPUSTA_PROFILE_DIR": str(Path(profile))}
    proc = subprocess.Popen([sys.executable, "-m", "kapusta_desktop", "sandbox", "--companies", "5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines: dict[str, str] = {}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(lines) < len(EXPECTED_PREFIXES):
            line = proc.stdout.readline() if proc.stdout else ""
            if not line:
                break
            for prefix in EXPECTED_PREFIXES:
                if line.startswith(prefix):
                    lines[prefix] = line.strip()
        if len(lines) < len(EXPECTED_PREFIXES):
            proc.terminate()
            pytest.fail(f"sandbox printed {lines!r}; stderr: {proc.stderr.read() if proc.stderr else ''}")
        yield lines
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
