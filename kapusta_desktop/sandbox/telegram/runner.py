"""Running the Telegram sandbox on loopback: in the caller's loop, or in a thread of its own."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from aiohttp import web

from kapusta_desktop.sandbox.telegram.server import TelegramSandbox


class TelegramSandboxServer:
    """`async with TelegramSandboxServer() as server:` serves `server.sandbox` at `server.base_url`."""

    def __init__(self, sandbox: TelegramSandbox | None = None, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sandbox = sandbox or TelegramSandbox()
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> TelegramSandboxServer:
        self._runner = web.AppRunner(self.sandbox.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> TelegramSandboxServer:
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()


class ThreadedTelegramSandbox:
    """The sandbox on its own event loop in a thread, so its clock is not the client's (benchmarks, CLI)."""

    def __init__(self, sandbox: TelegramSandbox | None = None, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = TelegramSandboxServer(sandbox, host=host, port=port)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="telegram-sandbox", daemon=True)

    @property
    def sandbox(self) -> TelegramSandbox:
        return self.server.sandbox

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def __enter__(self) -> ThreadedTelegramSandbox:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self._loop).result(timeout=10)
        return self

    def __exit__(self, *exc: Any) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
