"""The one way Mango events come in: an aiohttp.web listener on loopback by default.

Every request is checked before anything else happens (`verification.py`, the
check the team relay shares): `vpbx_api_key` must be ours and `sign` is
recomputed over the raw `json` form field and compared in constant time.
Forged or unsigned: 403, and the callback never runs. Malformed JSON: 400.
Too big: 413. The PBX's connection check (no `json` field): 200. Verified events go to `on_event` as typed dataclasses.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from aiohttp import web

from kapusta_desktop.integrations.mango.events import MangoEvent
from kapusta_desktop.integrations.mango.verification import (
    EVENT_ROUTES,
    IGNORED_ROUTES,
    ForgedEventError,
    MalformedEventError,
    VerifiedEvent,
    is_known_route,
    verify_event_form,
)

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_BASE_PATH = "/mango"
MAX_BODY_BYTES = 64 * 1024  # real events are well under 2 KiB

__all__ = [
    "EVENT_ROUTES",
    "IGNORED_ROUTES",
    "ListenerStats",
    "MangoListener",
    "normalise_base_path",
    "read_verified_request",
    "start_site",
]

EventCallback = Callable[[MangoEvent], Awaitable[None] | None]


@dataclass
class ListenerStats:
    accepted: int = 0
    forged: int = 0
    malformed: int = 0
    checks: int = 0
    by_route: dict[str, int] = field(default_factory=dict)


class VerificationCounters(Protocol):
    forged: int
    malformed: int
    checks: int


async def read_verified_request(
    request: web.Request, *, api_key: str, api_salt: str, stats: VerificationCounters, who: str
) -> VerifiedEvent | None:
    """The HTTP side of `verify_event_form`, shared by the desk listener and the team relay.

    Unknown route 404, oversized body 413 (aiohttp's limit), forged or unsigned 403,
    malformed 400; None for the PBX's connection check (answer 200, nothing to do).
    """
    route = request.match_info["route"].strip("/")
    if not is_known_route(route):
        raise web.HTTPNotFound(text="unknown Mango route")
    try:
        form = await request.post()
    except web.HTTPRequestEntityTooLarge:
        log.warning("%s: oversized request to %s refused", who, route)
        raise
    try:
        verified = verify_event_form(route, form, api_key=api_key, api_salt=api_salt)
    except ForgedEventError:
        stats.forged += 1
        log.warning("%s: forged or unsigned request to %s from %s refused", who, route, request.remote)
        raise web.HTTPForbidden(text="bad key or sign") from None
    except MalformedEventError as exc:
        stats.malformed += 1
        log.warning("%s: malformed event on %s: %s", who, route, exc)
        raise web.HTTPBadRequest(text="malformed event") from None
    if verified.is_check:
        stats.checks += 1
        return None
    return verified


async def start_site(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Serve `app` on host:port (the desk listener, the team relay): its runner and the port it got.

    With port 0 the OS picks one, so the real port comes back; a port in use raises OSError, nothing left open.
    """
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError:
        await runner.cleanup()
        raise
    for addr in runner.addresses:
        if isinstance(addr, tuple) and len(addr) >= 2:
            return runner, int(addr[1])
    return runner, port


def normalise_base_path(base_path: str) -> str:
    path = "/" + base_path.strip().strip("/")
    return "" if path == "/" else path


class MangoListener:
    def __init__(
        self,
        *,
        api_key: str | None,
        api_salt: str | None,
        on_event: EventCallback,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        base_path: str = DEFAULT_BASE_PATH,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self._api_key = api_key or ""
        self._api_salt = api_salt or ""
        self._on_event = on_event
        self.host = host
        self.port = port
        self.base_path = normalise_base_path(base_path)
        self._max_body = max_body_bytes
        self._runner: web.AppRunner | None = None
        self.stats = ListenerStats()

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=self._max_body)
        app.router.add_post(self.base_path + "/{route:.+}", self._handle)
        return app

    async def start(self) -> None:
        if self._runner is not None:
            return
        self._runner, self.port = await start_site(self.build_app(), self.host, self.port)
        log.info("Mango listener on %s", self.url)

    async def stop(self) -> None:
        """Stop accepting events; safe to call twice."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def url(self) -> str:
        """The base URL to register in the PBX (events go to <url>/events/call, ...)."""
        return f"http://{self.host}:{self.port}{self.base_path}"

    async def _handle(self, request: web.Request) -> web.Response:
        verified = await read_verified_request(
            request, api_key=self._api_key, api_salt=self._api_salt, stats=self.stats, who="Mango listener"
        )
        if verified is None:  # the PBX settings page's connection check carries no event
            return web.Response(text="ok")
        route = verified.route
        self.stats.accepted += 1
        event = verified.event
        if event is None:  # dtmf, sms: verified and acknowledged
            return web.Response(text="ok")
        self.stats.by_route[route] = self.stats.by_route.get(route, 0) + 1
        try:
            outcome = self._on_event(event)
            if inspect.isawaitable(outcome):
                await outcome
        except Exception:
            log.exception("Mango listener: handling %s failed", route)
            raise web.HTTPInternalServerError(text="event handling failed") from None
        return web.Response(text="ok")
