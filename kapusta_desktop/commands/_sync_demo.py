"""The demo portal for `sync --demo`: a loopback Bitrix24 sandbox seeded with sample data."""

from __future__ import annotations

from typing import Any


async def start_demo_portal(companies: int | None = None) -> tuple[Any, str]:
    """Start the sandbox; returns it (call `await sandbox.stop()`) and its webhook URL.

    Without `companies` it holds exactly the generator's default data, which is what the
    demo console's cache is seeded with, so ids line up.
    """
    if companies is not None and companies < 1:
        raise ValueError("--demo-size must be at least 1")
    from kapusta_desktop.domain.sample_data import generate
    from kapusta_desktop.sandbox.bitrix24.server import Bitrix24Sandbox

    sandbox = Bitrix24Sandbox(data=generate() if companies is None else generate(companies=companies))
    await sandbox.start()
    return sandbox, sandbox.webhook_url
