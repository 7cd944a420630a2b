"""The team relay: an aiohttp.web service behind the company's HTTPS front.

Routes (below `base_path`, default none):

- `POST /mango/<route>`: Mango events, checked by `verify_event_form`, the very
  check the desk listener runs (403 forged, 400 malformed, 200 for the PBX's
  connection check). Register `<public URL>/mango` as the PBX's base URL.
- `POST /bitrix24`: Bitrix24 outgoing events, verified by application_token
  (401 missing, 403 wrong or none configured).
- `GET /health`: 200 when the database answers, 503 otherwise.
- `/desk/...`: with a `DeskGateway`, desks' calls to Bitrix24, Telegram and Mango forwarded with the
  relay's secrets, and settings changes by admin desks (desk_gateway.py).

Every accepted event is stored once in the shared PostgreSQL and NOTIFYed in
the same transaction (store/relay_events.py), and only then answered 200: an
event that got 200 is committed. Database work runs on one thread of this
relay's own; a broken connection is reopened and the insert retried once,
then the sender gets 503.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import peewee
from aiohttp import web

from kapusta_desktop.integrations.bitrix24.outgoing_events import (
    MalformedOutgoingEventError,
    MissingTokenError,
    OutgoingEvent,
    WrongTokenError,
    read_outgoing_event,
)
from kapusta_desktop.integrations.mango.events import CallEvent
from kapusta_desktop.integrations.mango.listener import normalise_base_path, read_verified_request, start_site
from kapusta_desktop.integrations.mango.verification import (
    VerifiedEvent,
)
from kapusta_desktop.redact import redact
from kapusta_desktop.store.relay_desks import list_desks
from kapusta_desktop.store.relay_events import NewRelayEvent, canonical_hash, store_relay_event

if TYPE_CHECKING:
    from kapusta_desktop.integrations.relay.desk_gateway import DeskGateway

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8780
MAX_BODY_BYTES = 64 * 1024
HEALTH_TIMEOUT = 3.0
T = TypeVar("T")


class DatabaseUnavailableError(RuntimeError):
    pass


@dataclass
class RelayStats:
    stored: int = 0
    duplicates: int = 0
    forged: int = 0
    malformed: int = 0
    checks: int = 0
    db_errors: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def mango_relay_event(verified: VerifiedEvent) -> NewRelayEvent:
    """What the relay stores for a verified Mango event; call events dedupe by (call_id, seq, call_state)."""
    event = verified.event
    payload = verified.payload or {}
    kind = "mango:" + verified.route
    if isinstance(event, CallEvent):
        key = f"{event.call_id}|{event.seq}|{event.call_state}"
        return NewRelayEvent(kind, key, payload, entry_id=event.entry_id, call_id=event.call_id, seq=event.seq)
    entry_id = getattr(event, "entry_id", None)
    call_id = getattr(event, "call_id", None)
    return NewRelayEvent(kind, canonical_hash(payload), payload, entry_id=entry_id, call_id=call_id)


def bitrix24_relay_event(event: OutgoingEvent) -> NewRelayEvent:
    payload = event.as_payload()
    dedupe = canonical_hash({"event": event.event, "data": event.data, "ts": event.ts})
    return NewRelayEvent("bitrix24:" + event.event, dedupe, payload, entry_id=event.record_id)


class RelayServer:
    def __init__(
        self,
        database: peewee.Database,
        *,
        mango_api_key: str | None,
        mango_api_salt: str | None,
        b24_application_token: str | None = None,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        base_path: str = "",
        name: str | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        desks: DeskGateway | None = None,
    ) -> None:
        self._db = database
        self._mango_key = mango_api_key or ""
        self._mango_salt = mango_api_salt or ""
        self._b24_token = b24_application_token or ""
        self.host = host
        self.port = port
        self.base_path = normalise_base_path(base_path)
        self.name = (name or f"{socket.gethostname()}-{uuid.uuid4().hex[:6]}")[:64]
        self._max_body = max_body_bytes
        self.desks = desks
        self._runner: web.AppRunner | None = None
        self._executor: ThreadPoolExecutor | None = None
        self.stats = RelayStats()

    # ---- lifecycle ------------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=self._max_body)
        app.router.add_post(self.base_path + "/mango/{route:.+}", self._mango)
        app.router.add_post(self.base_path + "/bitrix24", self._bitrix24)
        app.router.add_get(self.base_path + "/health", self._health)
        if self.desks is not None:
            self.desks.add_routes(app.router, self.base_path, self._run_db_or_503, lambda: list_desks(self._db))
        return app

    async def start(self) -> None:
        if self._runner is not None:
            return
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="relay-db")
        try:
            self._runner, self.port = await start_site(self.build_app(), self.host, self.port)
        except OSError:
            self._shutdown_executor()
            raise
        log.info("relay %s on %s", self.name, self.url)

    async def stop(self) -> None:
        """Finish the requests in flight, then close the database connection; safe to call twice."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        if self.desks is not None:
            await self.desks.aclose()
        executor = self._executor
        if executor is not None:
            try:
                await asyncio.get_running_loop().run_in_executor(executor, self._close_db)
            finally:
                self._shutdown_executor()

    def _shutdown_executor(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.base_path}"

    # ---- database (on the relay's own thread) -------------------------------------------------

    def _close_db(self) -> None:
        try:
            self._db.close()
        except Exception:  # a dead connection may fail to close; it is gone either way
            log.debug("relay: closing a broken connection failed", exc_info=True)

    def _with_retry(self, work: Callable[[], T]) -> T:
        for attempt in (1, 2):
            try:
                return work()
            except (peewee.OperationalError, peewee.InterfaceError) as exc:
                self._close_db()
                if attempt == 2:
                    raise DatabaseUnavailableError(redact(str(exc).strip() or type(exc).__name__)) from None
        raise AssertionError("unreachable")

    async def _run_db(self, work: Callable[[], T], *, timeout: float | None = None) -> T:
        executor = self._executor
        if executor is None:
            raise DatabaseUnavailableError("relay is stopping")
        future = asyncio.get_running_loop().run_in_executor(executor, self._with_retry, work)
        return await (asyncio.wait_for(future, timeout) if timeout else future)

    async def _run_db_or_503(self, work: Callable[[], T], *, what: str = "desk request") -> T:
        try:
            return await self._run_db(work)
        except DatabaseUnavailableError as exc:
            self.stats.db_errors += 1
            log.error("relay: %s failed, database unavailable: %s", what, exc)
            raise web.HTTPServiceUnavailable(text="database unavailable") from None

    async def _store(self, event: NewRelayEvent) -> web.Response:
        new_id = await self._run_db_or_503(lambda: store_relay_event(self._db, event, relay=self.name),
                                           what=f"storing {event.kind}")
        if new_id is None:
            self.stats.duplicates += 1
        else:
            self.stats.stored += 1
            self.stats.by_kind[event.kind] = self.stats.by_kind.get(event.kind, 0) + 1
        return web.Response(text="ok")

    # ---- handlers -------------------------------------------------------------------------------

    async def _mango(self, request: web.Request) -> web.Response:
        verified = await read_verified_request(
            request, api_key=self._mango_key, api_salt=self._mango_salt, stats=self.stats, who="relay"
        )
        if verified is None:  # the PBX's connection check
            return web.Response(text="ok")
        if verified.event is None:  # dtmf, sms: verified and acknowledged, no desk reads them
            return web.Response(text="ok")
        return await self._store(mango_relay_event(verified))

    async def _bitrix24(self, request: web.Request) -> web.Response:
        form = await request.post()
        if not self._b24_token:
            self.stats.forged += 1
            log.warning("relay: Bitrix24 event refused: no application token configured")
            raise web.HTTPForbidden(text="Bitrix24 events are not configured on this relay")
        try:
            event = read_outgoing_event(form.items(), application_token=self._b24_token)
        except MissingTokenError:
            self.stats.forged += 1
            log.warning("relay: Bitrix24 event without application_token from %s refused", request.remote)
            raise web.HTTPUnauthorized(text="application_token required") from None
        except WrongTokenError:
            self.stats.forged += 1
            log.warning("relay: Bitrix24 event with a wrong application_token from %s refused", request.remote)
            raise web.HTTPForbidden(text="wrong application_token") from None
        except MalformedOutgoingEventError as exc:
            self.stats.malformed += 1
            log.warning("relay: malformed Bitrix24 event: %s", exc)
            raise web.HTTPBadRequest(text="malformed event") from None
        return await self._store(bitrix24_relay_event(event))

    async def _health(self, request: web.Request) -> web.Response:
        def ping() -> None:
            self._db.execute_sql("SELECT 1").fetchone()

        try:
            await self._run_db(ping, timeout=HEALTH_TIMEOUT)
        except (DatabaseUnavailableError, TimeoutError) as exc:
            log.warning("relay: health check failed: %s", exc or "timed out")  # details stay in the log
            return web.json_response({"status": "database unavailable", "relay": self.name}, status=503)
        return web.json_response({"status": "ok", "relay": self.name, "stored": self.stats.stored})
