"""The Bitrix24 portal emulator: an aiohttp.web server on loopback.

    async with Bitrix24Sandbox(companies=50, rate=2.0, burst=50) as sb:
        sb.webhook_url          # http://127.0.0.1:PORT/rest/1/CODE/
        sb.base_url             # http://127.0.0.1:PORT  (OAuth: /rest/{method}, token server: /oauth/token/)
        access, refresh = sb.issue_tokens(user_id=1)
        sb.act_update("deal", 5, {"STAGE_ID": "WON"}, user_id=3)   # another user edits behind our back
        sb.rows("deal"), sb.stats.as_dict(), sb.set_faults(FaultConfig(error_500=0.1, seed=7))

The same control functions answer over HTTP under `/_sandbox/` (see `control.py`).
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import ssl
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from kapusta_desktop.domain.sample_data import SampleData, generate
from kapusta_desktop.sandbox.bitrix24.clock import now_iso
from kapusta_desktop.sandbox.bitrix24.faults import FaultConfig, FaultPicker
from kapusta_desktop.sandbox.bitrix24.forms import parse_php_query
from kapusta_desktop.sandbox.bitrix24.limits import OperatingTime, PortalBucket
from kapusta_desktop.sandbox.bitrix24.methods import HANDLERS, Answer, ApiFault, Context
from kapusta_desktop.sandbox.bitrix24.seed import seed_state
from kapusta_desktop.sandbox.bitrix24.state import SPECS, PortalState

MAX_BATCH = 50
_REF_RE = re.compile(r"\$result\[([^\]]+)\]((?:\[[^\]]*\])*)")
_SEG_RE = re.compile(r"\[([^\]]*)\]")
HTML_PAGE = ("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
             "<body><h1>Bitrix24 is temporarily unavailable</h1></body></html>")


@dataclass
class SandboxStats:
    requests: int = 0  # REST requests received (batch = 1)
    methods: Counter[str] = field(default_factory=Counter)  # top-level method per request
    commands: Counter[str] = field(default_factory=Counter)  # methods run, batch commands included
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    query_limit_exceeded: int = 0  # 503s sent by the leaky bucket
    operation_time_limit: int = 0
    faults: Counter[str] = field(default_factory=Counter)  # injected faults by kind
    rows_served: int = 0
    token_refreshes: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"requests": self.requests, "methods": dict(self.methods), "commands": dict(self.commands),
                "statuses": {str(k): v for k, v in self.statuses.items()}, "errors": dict(self.errors),
                "query_limit_exceeded": self.query_limit_exceeded,
                "operation_time_limit": self.operation_time_limit, "faults": dict(self.faults),
                "rows_served": self.rows_served, "token_refreshes": self.token_refreshes}


class Bitrix24Sandbox:
    def __init__(self, *, data: SampleData | None = None, companies: int = 30, contacts: int | None = None,
                 deals: int | None = None, tasks: int | None = None, leads: int | None = None, managers: int = 8,
                 seed: int = 42, host: str = "127.0.0.1", port: int = 0, https: bool = False,
                 cert_dir: Path | None = None, webhook_user: int = 1, webhook_code: str | None = None,
                 rate: float = 2.0, burst: float = 50.0, operating_limit: float = 480.0,
                 operating_window: float = 600.0, operating_min_cost: float = 0.0,
                 faults: FaultConfig | None = None, client_id: str = "local.kapusta.sandbox",
                 client_secret: str | None = None, token_ttl: float = 3600.0) -> None:
        self.state = PortalState()
        if data is None:
            data = generate(companies=companies, contacts=contacts, deals=deals, tasks=tasks, leads=leads,
                            managers=managers, seed=seed)
        seed_state(self.state, data)
        self.host, self.port, self.https = host, port, https
        self.cert_dir = cert_dir
        self.ca_file: Path | None = None
        self.webhook_user = webhook_user
        self.webhook_code = webhook_code or secrets.token_hex(8)
        self.webhooks: dict[str, int] = {self.webhook_code: webhook_user}
        self.bucket = PortalBucket(rate, burst)
        self.operating = OperatingTime(operating_limit, operating_window, 10, operating_min_cost)
        self.faults = FaultPicker(faults or FaultConfig())
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_hex(12)
        self.token_ttl = token_ttl
        self.access_tokens: dict[str, tuple[int, float]] = {}
        self.refresh_tokens: dict[str, int] = {}
        self.moved_to: str | None = None
        self.stats = SandboxStats()
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        from kapusta_desktop.sandbox.bitrix24.control import add_control_routes

        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_route("*", "/rest/{tail:.*}", self._rest)
        app.router.add_route("*", "/oauth/token/", self._oauth_token)
        app.router.add_route("*", "/oauth/token", self._oauth_token)
        add_control_routes(app, self)
        return app

    async def start(self) -> None:
        ssl_ctx: ssl.SSLContext | None = None
        if self.https:
            from tempfile import mkdtemp

            from kapusta_desktop.sandbox.bitrix24.tls import make_certificates, server_context

            directory = self.cert_dir or Path(mkdtemp(prefix="kapusta-b24-tls-"))
            self.ca_file, cert, key = make_certificates(directory)
            ssl_ctx = server_context(cert, key)
        self._runner = web.AppRunner(self.make_app(), access_log=None, handle_signals=False)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, self.host, self.port, ssl_context=ssl_ctx)
        await self._site.start()
        server = self._site._server
        if server is not None and getattr(server, "sockets", None):
            self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Bitrix24Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        scheme = "https" if self.https else "http"
        host = "localhost" if self.https and self.host == "127.0.0.1" else self.host
        return f"{scheme}://{host}:{self.port}"

    @property
    def webhook_url(self) -> str:
        return f"{self.base_url}/rest/{self.webhook_user}/{self.webhook_code}/"

    @property
    def oauth_url(self) -> str:
        return f"{self.base_url}/oauth/token/"

    # --- control (Python side; control.py mirrors these over HTTP) ------------------------------

    def issue_tokens(self, user_id: int = 1) -> tuple[str, str]:
        access, refresh = secrets.token_hex(16), secrets.token_hex(16)
        self.access_tokens[access] = (user_id, time.time() + self.token_ttl)
        self.refresh_tokens[refresh] = user_id
        return access, refresh

    def expire_tokens(self) -> int:
        for token, (uid, _exp) in list(self.access_tokens.items()):
            self.access_tokens[token] = (uid, 0.0)
        return len(self.access_tokens)

    def set_faults(self, config: FaultConfig) -> None:
        self.faults = FaultPicker(config)

    def rows(self, entity: str) -> list[dict[str, Any]]:
        table = self._table(entity)
        return [dict(table.rows[i]) for i in table.ids]

    def row(self, entity: str, row_id: int) -> dict[str, Any] | None:
        found = self._table(entity).get(row_id)
        return dict(found) if found is not None else None

    def act_add(self, entity: str, fields: Mapping[str, Any], *, user_id: int = 1) -> int:
        return self.state.crm_add(self._spec(entity), fields, user_id=user_id)

    def act_update(self, entity: str, row_id: int, fields: Mapping[str, Any], *, user_id: int = 1) -> bool:
        return self.state.crm_update(self._spec(entity), row_id, fields, user_id=user_id)

    def act_delete(self, entity: str, row_id: int) -> bool:
        return self.state.crm_delete(self._spec(entity), row_id)

    def _spec(self, entity: str) -> Any:
        if entity not in SPECS:
            raise KeyError(f"unknown entity {entity!r}; one of {', '.join(SPECS)}")
        return SPECS[entity]

    def _table(self, entity: str) -> Any:
        extra = {"task": self.state.tasks, "user": self.state.users, "activity": self.state.activities,
                 "comment": self.state.comments}
        if entity in extra:
            return extra[entity]
        return self.state.tables[self._spec(entity).name]

    # --- REST -----------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        self.stats.requests += 1
        if self.moved_to:
            raise web.HTTPFound(self.moved_to.rstrip("/") + request.path_qs)
        if not self.bucket.admit():
            self.stats.query_limit_exceeded += 1
            return self._error(ApiFault("QUERY_LIMIT_EXCEEDED", "Too many requests", 503))
        fault = self.faults.pick()
        if fault:
            self.stats.faults[fault] += 1
        if fault == "error_500":
            return self._error(ApiFault("INTERNAL_SERVER_ERROR", "Internal server error", 500))
        if fault == "error_503":
            return self._error(ApiFault("OVERLOAD_LIMIT", "Portal is overloaded", 503))
        if fault == "html":
            self.stats.statuses[200] += 1
            return web.Response(text=HTML_PAGE, content_type="text/html")
        if fault == "drop":
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError  # aiohttp drops the half-finished exchange quietly
        try:
            params = await self._params(request)
            ctx, method = self._authenticate(request, params)
            self.stats.methods[method] += 1
            payload = self._batch(ctx, params) if method == "batch" else self._run(ctx, method, params)
        except ApiFault as exc:
            return self._error(exc)
        if fault == "slow":
            await asyncio.sleep(self.faults.config.slow_seconds)
        self.stats.statuses[200] += 1
        return web.Response(body=json.dumps(payload, separators=(",", ":")).encode(),
                            content_type="application/json", charset="utf-8")

    def _error(self, exc: ApiFault) -> web.Response:
        self.stats.statuses[exc.status] += 1
        self.stats.errors[exc.code or "NOT_FOUND"] += 1
        body = {"error": exc.code, "error_description": exc.description}
        return web.Response(status=exc.status, body=json.dumps(body, ensure_ascii=False).encode(),
                            content_type="application/json", charset="utf-8")

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = parse_php_query(request.query_string) if request.query_string else {}
        if request.can_read_body:
            raw = await request.read()
            ctype = request.content_type
            if ctype == "application/json" or raw[:1] in (b"{", b"["):
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    raise ApiFault("INVALID_REQUEST", "Request body is not valid JSON", 400) from None
                if not isinstance(body, dict):
                    raise ApiFault("INVALID_REQUEST", "Request body must be a JSON object", 400)
                params.update(body)
            elif raw:
                params.update(parse_php_query(raw.decode("utf-8", "replace")))
        return params

    def _authenticate(self, request: web.Request, params: dict[str, Any]) -> tuple[Context, str]:
        parts = [p for p in request.match_info["tail"].split("/") if p]
        if len(parts) == 3 and parts[0].isdigit():
            user_id, code, method = int(parts[0]), parts[1], parts[2]
            if self.webhooks.get(code) != user_id:
                raise ApiFault("NO_AUTH_FOUND", "Wrong authorization data", 401)
            ctx = Context(self.state, user_id, "webhook")
        elif len(parts) == 1:
            method = parts[0]
            token = str(params.pop("auth", "") or "")
            if not token:
                raise ApiFault("NO_AUTH_FOUND", "Wrong authorization data", 401)
            known = self.access_tokens.get(token)
            if known is None:
                raise ApiFault("NO_AUTH_FOUND", "Wrong authorization data", 401)
            if known[1] <= time.time():
                raise ApiFault("expired_token", "The access token provided has expired.", 401)
            ctx = Context(self.state, known[0], "oauth")
        else:
            raise ApiFault("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)
        method = re.sub(r"\.(json|xml)$", "", method).lower()
        return ctx, method

    def _run(self, ctx: Context, method: str, params: dict[str, Any]) -> dict[str, Any]:
        answer, timing = self._execute(ctx, method, params)
        payload: dict[str, Any] = {"result": answer.result}
        if answer.total is not None:
            payload["total"] = answer.total
        if answer.next is not None:
            payload["next"] = answer.next
        payload["time"] = timing
        return payload

    def _execute(self, ctx: Context, method: str, params: dict[str, Any]) -> tuple[Answer, dict[str, Any]]:
        handler = HANDLERS.get(method)
        if handler is None:
            raise ApiFault("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)
        if self.operating.exhausted(method):
            self.stats.operation_time_limit += 1
            raise ApiFault("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.", 429)
        self.stats.commands[method] += 1
        started = time.time()
        t0 = time.perf_counter()
        try:
            answer = handler(ctx, params)
        finally:
            spent = time.perf_counter() - t0
            self.operating.spend(method, spent)
        self.stats.rows_served += answer.rows
        finished = time.time()
        timing = {"start": started, "finish": finished, "duration": finished - started, "processing": spent,
                  "date_start": now_iso(), "date_finish": now_iso(),
                  "operating_reset_at": self.operating.reset_at(method),
                  "operating": round(self.operating.used(method), 4)}
        return answer, timing

    # --- batch ----------------------------------------------------------------------------------

    def _batch(self, ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        cmd = params.get("cmd")
        if isinstance(cmd, list):
            commands = [(str(i), c) for i, c in enumerate(cmd)]
        elif isinstance(cmd, Mapping):
            commands = [(str(k), c) for k, c in cmd.items()]
        else:
            raise ApiFault("INVALID_ARG_VALUE", "Parameter 'cmd' must be array.", 400)
        if len(commands) > MAX_BATCH:
            raise ApiFault("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded", 400)
        halt = str(params.get("halt", "0")).lower() in ("1", "true", "y")
        started = time.time()
        results: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        totals: dict[str, Any] = {}
        nexts: dict[str, Any] = {}
        times: dict[str, Any] = {}
        for key, command in commands:
            method, _, query = str(command).partition("?")
            method = method.strip().lower()
            sub = parse_php_query(query)
            sub.pop("auth", None)
            sub = _resolve(sub, results)
            try:
                if method == "batch":
                    raise ApiFault("ERROR_BATCH_METHOD_NOT_ALLOWED", "Batch call is not allowed in batch", 400)
                answer, timing = self._execute(ctx, method, sub)
            except ApiFault as exc:
                self.stats.errors[exc.code or "NOT_FOUND"] += 1
                errors[key] = {"error": exc.code, "error_description": exc.description}
                if halt:
                    break
                continue
            results[key] = answer.result
            if answer.total is not None:
                totals[key] = answer.total
            if answer.next is not None:
                nexts[key] = answer.next
            times[key] = timing
        finished = time.time()
        return {
            "result": {"result": _php_array(results), "result_error": _php_array(errors),
                       "result_total": _php_array(totals), "result_next": _php_array(nexts),
                       "result_time": _php_array(times)},
            "time": {"start": started, "finish": finished, "duration": finished - started,
                     "processing": finished - started, "date_start": now_iso(), "date_finish": now_iso()},
        }

    # --- OAuth token server ---------------------------------------------------------------------

    async def _oauth_token(self, request: web.Request) -> web.Response:
        params = dict(request.query)
        if request.can_read_body:
            params.update(parse_php_query((await request.read()).decode("utf-8", "replace")))

        def fail(code: str, text: str, status: int) -> web.Response:
            return web.json_response({"error": code, "error_description": text}, status=status)

        if params.get("grant_type") != "refresh_token":
            return fail("unsupported_grant_type", "Only refresh_token is supported here", 400)
        if params.get("client_id") != self.client_id or params.get("client_secret") != self.client_secret:
            return fail("invalid_client", "Invalid client credentials", 401)
        user_id = self.refresh_tokens.pop(str(params.get("refresh_token", "")), None)
        if user_id is None:
            return fail("invalid_grant", "Invalid refresh token", 400)
        access, refresh = self.issue_tokens(user_id)
        self.stats.token_refreshes += 1
        return web.json_response({
            "access_token": access, "refresh_token": refresh, "expires_in": int(self.token_ttl),
            "expires": int(time.time() + self.token_ttl), "scope": "crm,task,user,telephony",
            "domain": f"{self.host}:{self.port}", "server_endpoint": f"{self.base_url}/oauth/rest/",
            "client_endpoint": f"{self.base_url}/rest/", "member_id": "sandbox", "status": "L", "user_id": user_id,
        })


def _php_array(section: dict[str, Any]) -> Any:
    """PHP's json_encode: an empty array is `[]`, keys 0..n-1 in order make a list."""
    if not section:
        return []
    keys = list(section)
    if keys == [str(i) for i in range(len(keys))]:
        return [section[k] for k in keys]
    return section


def _lookup(results: Mapping[str, Any], key: str, path: str) -> tuple[bool, Any]:
    if key not in results:
        return False, None
    node = results[key]
    for seg in _SEG_RE.findall(path):
        if isinstance(node, Mapping) and seg in node:
            node = node[seg]
        elif isinstance(node, list) and seg.isdigit() and int(seg) < len(node):
            node = node[int(seg)]
        else:
            return False, None
    return True, node


def _resolve(value: Any, results: Mapping[str, Any]) -> Any:
    """Substitute `$result[key][...]` references; an unresolved one becomes an empty string."""
    if isinstance(value, dict):
        return {k: _resolve(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, results) for v in value]
    if not isinstance(value, str) or "$result[" not in value:
        return value
    whole = _REF_RE.fullmatch(value)
    if whole:
        found, node = _lookup(results, whole.group(1), whole.group(2))
        return node if found else ""

    def sub(m: re.Match[str]) -> str:
        found, node = _lookup(results, m.group(1), m.group(2))
        return "" if not found or node is None else str(node)

    return _REF_RE.sub(sub, value)
