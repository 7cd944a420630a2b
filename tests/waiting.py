"""Async tests wait for a condition by polling it; one helper, so every wait fails (never hangs) the same way."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(predicate: Callable[[], object], what: str = "condition", timeout: float = 20.0,
                step: float = 0.01) -> float:
    """Poll predicate() until it is true and return the seconds that took; fail the test after `timeout` seconds.

    The timeout only bounds a failing test: a test that claims a speed asserts the returned time itself.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    while not predicate():
        if loop.time() - started > timeout:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        await asyncio.sleep(step)
    return loop.time() - started
