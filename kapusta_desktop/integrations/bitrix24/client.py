"""The one Bitrix24 client: every request to the portal goes through here.

Public API (used by the sync engine and services)::

    from kapusta_desktop.integrations.bitrix24 import Bitrix24Client, WebhookAuth, OAuthAuth, LimitConfig

    client = Bitrix24Client(WebhookAuth("https://PORTAL/rest/1/CODE/"),
                            limits=LimitConfig(),        # 2/s burst 50; LimitConfig.enterprise() = 5/s, 250
                            timeout=30.0, max_retries=6, ca_bundle=None)
    result = await client.call("crm.deal.get", {"id": 5})          # the envelope's `result`
    env = await client.call_envelope("crm.deal.list", {...})        # Envelope(result, total, next, time)
    res = await client.batch({"a": ("crm.deal.get", {"id": 1}), "b": ("user.current", {})})
    res.results["a"], res.errors.get("b")                           # per-command results / typed errors
    async for page in client.list_all("crm.deal.list", select=["ID", "TITLE"], filter={"CATEGORY_ID": 0}):
        ...                                                         # list[dict], up to 2,500 rows per HTTP request
    async for page in client.list_modified_since("crm.contact.list", since_iso, select=[...]): ...
    client.stats                                                    # requests, retries, errors by code
    await client.aclose()                                           # or `async with Bitrix24Client(...)`

Typed helpers for the app's methods live in `methods.py` (`Bitrix24Api`).

Errors are `errors.Bitrix24Error` subclasses with `transient`. Transient ones
(QUERY_LIMIT_EXCEEDED, OPERATION_TIME_LIMIT, 5xx, HTML pages, timeouts,
dropped connections, expired_token) are retried here with bounded
exponential backoff and jitter; when retries run out the last one is raised.
Permanent ones are raised at once. No text produced here carries the
webhook URL or a token.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import ssl
from collections import Counter
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from kapusta_desktop.integrations.bitrix24.auth import Auth, OAuthAuth
from kapusta_desktop.integrations.bitrix24.encoding import batch_command
from kapusta_desktop.integrations.bitrix24.errors import (
    AuthError,
    BadResponse,
    Bitrix24Error,
    ExpiredToken,
    HtmlInsteadOfJson,
    NetworkError,
    OperationTimeLimit,
    QueryLimitExceeded,
    RequestTimeout,
    ServerError,
    error_from_payload,
)
from kapusta_desktop.integrations.bitrix24.limits import LeakyBucket, LimitConfig, OperatingTracker, RequestLimiter

log = logging.getLogger(__name__)

PAGE_SIZE = 50
Command = tuple[str, Mapping[str, Any]]  # (method, params)
Commands = Mapping[Any, Command] | Sequence[Command]
MAX_BATCH = 50
_MAX_REDIRECTS = 3


@dataclass
class Envelope:
    result: Any
    total: int | None = None
    next: int | None = None
    time: dict[str, Any] | None = None


@dataclass
class BatchResult:
    """Per-command outcome of `batch`: keys are the caller's keys (ints for a list of commands)."""

    results: dict[Any, Any] = field(default_factory=dict)
    errors: dict[Any, Bitrix24Error] = field(default_factory=dict)
    totals: dict[Any, int] = field(default_factory=dict)
    nexts: dict[Any, int] = field(default_factory=dict)
    http_requests: int = 0


@dataclass
class ClientStats:
    requests: int = 0  # HTTP requests sent (each retry and each redirect hop counts)
    retries: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # error codes of whole requests
    command_errors: Counter[str] = field(default_factory=Counter)  # error codes of commands inside batches
    methods: Counter[str] = field(default_factory=Counter)  # HTTP requests per top-level method
    rows: int = 0  # rows yielded by list_all
    rate_wait: float = 0.0  # seconds spent waiting on the leaky bucket
    operating_wait: float = 0.0  # seconds spent in per-method pauses
    token_refreshes: int = 0


class Bitrix24Client:
    def __init__(self, auth: Auth, *, limits: LimitConfig | None = None, timeout: float = 30.0,
                 max_retries: int = 6, backoff_base: float = 0.5, backoff_max: float = 30.0,
                 ca_bundle: str | None = None, transport: httpx.AsyncBaseTransport | None = None,
                 seed: int | None = None, limiter: RequestLimiter | None = None) -> None:
        self.auth = auth
        self.limits = limits or LimitConfig()
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.stats = ClientStats()
        # A team passes one limiter shared by every desk; alone, the desk keeps its own bucket.
        self.bucket: RequestLimiter = limiter or LeakyBucket(self.limits.rate, self.limits.burst - self.limits.headroom)
        self.operating = OperatingTracker(self.limits)
        self._rng = random.Random(seed)
        verify: ssl.SSLContext | bool = True
        if ca_bundle:
            verify = ssl.create_default_context(cafile=ca_bundle)
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            verify=verify,
            transport=transport,
            follow_redirects=False,  # a portal move is re-POSTed by hand; httpx would turn it into a GET
            # RelayAuth's bearer header; webhook and OAuth calls carry their secret in the URL or body.
            headers={"Accept": "application/json", **getattr(auth, "http_headers", {})},
        )

    async def __aenter__(self) -> Bitrix24Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- single calls -------------------------------------------------------------------------

    async def call(self, method: str, params: Mapping[str, Any] | None = None, *, retries: int | None = None) -> Any:
        return (await self.call_envelope(method, params, retries=retries)).result

    async def call_envelope(self, method: str, params: Mapping[str, Any] | None = None, *,
                            retries: int | None = None) -> Envelope:
        """`retries` overrides `max_retries` for this call only (0: a transient failure is raised at once)."""
        if method == "batch":
            raise ValueError("use Bitrix24Client.batch() for batches")
        return await self._request(method, dict(params or {}), retries=retries)

    async def forward(self, method: str, params: Mapping[str, Any]) -> Envelope:
        """Send a call made elsewhere (a desk, through the team relay) as it came, `batch` included,
        under this client's limits and retries; the envelope, or the typed error of the last attempt."""
        return await self._request(method, dict(params))

    async def _request(self, method: str, body: dict[str, Any], *, retries: int | None = None) -> Envelope:
        if retries is not None and retries < 0:
            raise ValueError("retries must not be negative")
        limit = self.max_retries if retries is None else retries
        refreshed = False
        attempt = 0
        while True:
            self.stats.operating_wait += await self.operating.wait(method)
            self.stats.rate_wait += await self.bucket.acquire()
            used_token = self.auth.access_token if isinstance(self.auth, OAuthAuth) else ""
            try:
                env = await self._send_once(method, body)
            except Bitrix24Error as exc:
                self.stats.errors[exc.code or "NOT_FOUND"] += 1
                if isinstance(exc, ExpiredToken):
                    if not isinstance(self.auth, OAuthAuth):
                        raise AuthError("expired_token answered to a webhook call", method=method) from None
                    if refreshed:
                        raise AuthError("token still expired right after a refresh", method=method) from None
                    await self.auth.refresh(self._http, used_token)
                    self.stats.token_refreshes = self.auth.refresh_count
                    refreshed = True
                    continue
                if not exc.transient or attempt >= limit:
                    raise
                attempt += 1
                self.stats.retries += 1
                if isinstance(exc, OperationTimeLimit):
                    pause = self.operating.limit_hit(method, exc.reset_at)
                    log.warning("%s: operating time limit, pausing this method %.1f s", method, pause)
                    continue
                if isinstance(exc, QueryLimitExceeded):
                    self.bucket.fill()
                delay = self._backoff(attempt)
                log.info("%s: %s, retry %d/%d in %.2f s", method, exc.code, attempt, limit, delay)
                await asyncio.sleep(delay)
                continue
            if env.time:
                self.operating.observe(method, env.time)
            return env

    def _backoff(self, attempt: int) -> float:
        # Exponential with "equal jitter": half fixed, half random, so retries from many desks spread out.
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return ceiling / 2 + self._rng.random() * ceiling / 2

    async def _send_once(self, method: str, body: dict[str, Any]) -> Envelope:
        url = self.auth.method_url(method)
        payload = self.auth.sign(body)
        for _hop in range(_MAX_REDIRECTS + 1):
            self.stats.requests += 1
            self.stats.methods[method] += 1
            try:
                resp = await self._http.post(url, json=payload)
            except httpx.TimeoutException as exc:
                raise RequestTimeout(f"no answer in time ({type(exc).__name__})", method=method) from None
            except httpx.HTTPError as exc:
                raise NetworkError(f"connection failed ({type(exc).__name__})", method=method) from None
            if resp.status_code in (301, 302, 303, 307, 308) and resp.headers.get("location"):
                url = urljoin(url, resp.headers["location"])
                parts = urlsplit(url)
                self.auth.moved(f"{parts.scheme}://{parts.netloc}")
                log.warning("portal moved to %s; re-sending %s there", parts.netloc, method)
                continue
            return parse_response(resp.status_code, resp.content, method)
        raise NetworkError("too many redirects", method=method)

    # --- batch --------------------------------------------------------------------------------

    async def batch(self, commands: Commands, *, halt: bool = False, retries: int | None = None) -> BatchResult:
        """Run commands in batches of 50 (one HTTP request each); a failed command fails alone.

        `$result[key]...` references work only within the same chunk of 50.
        With `halt=True` the portal stops at the first failing command and no
        further chunk is sent. `retries` overrides `max_retries` for these
        requests only (0 for commands that must not be re-sent blindly).
        """
        if isinstance(commands, Mapping):
            items = [(k, str(k), m, p) for k, (m, p) in commands.items()]
        else:
            items = [(i, str(i), m, p) for i, (m, p) in enumerate(commands)]
        if len({wire for _, wire, _, _ in items}) != len(items):
            raise ValueError("batch command keys must be unique")
        out = BatchResult()
        for start in range(0, len(items), MAX_BATCH):
            chunk = items[start:start + MAX_BATCH]
            body = {"halt": 1 if halt else 0,
                    "cmd": {wire: batch_command(m, p) for _, wire, m, p in chunk}}
            env = await self._request("batch", body, retries=retries)
            out.http_requests += 1
            self._absorb_batch(env.result, chunk, out)
            if halt and out.errors:
                break
        return out

    def _absorb_batch(self, result: Any, chunk: list[tuple[Any, str, str, Any]], out: BatchResult) -> None:
        if not isinstance(result, Mapping):
            raise BadResponse("batch answer without a result object", method="batch")
        results = _keyed(result.get("result"))
        errors = _keyed(result.get("result_error"))
        totals = _keyed(result.get("result_total"))
        nexts = _keyed(result.get("result_next"))
        times = _keyed(result.get("result_time"))
        for key, wire, method, _params in chunk:
            if wire in times:
                self.operating.observe(method, times[wire])
            if wire in errors:
                err = errors[wire]
                if isinstance(err, Mapping):
                    exc = error_from_payload(str(err.get("error", "")), str(err.get("error_description", "")),
                                             method=method)
                else:
                    exc = error_from_payload("", str(err), method=method)
                if isinstance(exc, OperationTimeLimit):
                    self.operating.limit_hit(method, exc.reset_at)
                self.stats.command_errors[exc.code or "NOT_FOUND"] += 1
                out.errors[key] = exc
                continue
            if wire in results:
                out.results[key] = results[wire]
                if wire in totals:
                    out.totals[key] = int(totals[wire])
                if wire in nexts:
                    out.nexts[key] = int(nexts[wire])

    # --- listing ------------------------------------------------------------------------------

    async def list_all(self, method: str, *, select: Sequence[str] | None = None,
                       filter: Mapping[str, Any] | None = None, id_field: str = "ID",
                       items_key: str | None = None, result_id_field: str | None = None,
                       extra: Mapping[str, Any] | None = None,
                       pages_per_request: int = MAX_BATCH) -> AsyncIterator[list[dict[str, Any]]]:
        """Yield every row of a list method, page by page, in ID order.

        Uses the fast mode: `order {ID: ASC}`, `start=-1`, a `>ID` window, and
        up to `pages_per_request` windows chained inside one batch by
        `$result[pN][49][ID]` references, so one HTTP request carries up to
        2,500 rows. `items_key` names the wrapper of wrapped lists
        (`tasks.task.list` answers `{"tasks": [...]}`), `result_id_field` the
        id key in answers when it differs (`id` for tasks).
        """
        if not 1 <= pages_per_request <= MAX_BATCH:
            raise ValueError("pages_per_request must be within 1..50")
        rid = result_id_field or id_field
        base_filter = dict(filter or {})
        last: Any = base_filter.pop(f">{id_field}", 0)
        base: dict[str, Any] = dict(extra or {})
        if select:
            base["select"] = list(select)
        base["order"] = {id_field: "ASC"}
        base["start"] = -1
        wrap = f"[{items_key}]" if items_key else ""
        transient_failures = 0
        while True:
            cmds: dict[str, tuple[str, dict[str, Any]]] = {}
            for i in range(pages_per_request):
                bound = last if i == 0 else f"$result[p{i - 1}]{wrap}[{PAGE_SIZE - 1}][{rid}]"
                cmds[f"p{i}"] = (method, {**base, "filter": {**base_filter, f">{id_field}": bound}})
            res = await self.batch(cmds, halt=True)
            for i in range(pages_per_request):
                key = f"p{i}"
                if key in res.errors:
                    exc = res.errors[key]
                    if not exc.transient or transient_failures >= self.max_retries:
                        raise exc
                    transient_failures += 1
                    self.stats.retries += 1
                    if not isinstance(exc, OperationTimeLimit):
                        await asyncio.sleep(self._backoff(transient_failures))
                    break  # start the next batch from `last`
                rows = _unwrap(res.results.get(key), items_key)
                if rows:
                    self.stats.rows += len(rows)
                    yield rows
                if len(rows) < PAGE_SIZE:
                    return
                try:
                    last = int(rows[-1][rid])
                except (KeyError, TypeError, ValueError):
                    raise BadResponse(f"{method}: list rows carry no numeric {rid}", method=method) from None
            else:
                transient_failures = 0

    def list_modified_since(self, method: str, since: datetime | str, *, select: Sequence[str] | None = None,
                            filter: Mapping[str, Any] | None = None,
                            date_field: str = "DATE_MODIFY") -> AsyncIterator[list[dict[str, Any]]]:
        """Incremental listing: rows with `date_field` later than `since` (ISO 8601 with offset)."""
        stamp = since.isoformat(timespec="seconds") if isinstance(since, datetime) else since
        return self.list_all(method, select=select, filter={**(filter or {}), f">{date_field}": stamp})

    async def list_page(self, method: str, params: Mapping[str, Any] | None = None, *, start: int = 0) -> Envelope:
        """One classic page (`start=(N-1)*50`) with `total` and `next`."""
        return await self.call_envelope(method, {**(params or {}), "start": start})


def parse_response(status: int, content: bytes, method: str) -> Envelope:
    """Turn one HTTP answer into an Envelope or raise its typed error."""
    try:
        data = json.loads(content)
    except ValueError:
        head = content[:512].lstrip().lower()
        if head.startswith(b"<") or b"<html" in head:
            raise HtmlInsteadOfJson("the portal answered an HTML page instead of JSON", http_status=status,
                                    method=method) from None
        if status >= 500:
            raise ServerError("server error without a JSON body", http_status=status, method=method) from None
        raise BadResponse("the answer is not JSON", http_status=status, method=method) from None
    if not isinstance(data, dict):
        raise BadResponse("the answer is not a JSON object", http_status=status, method=method)
    if "error" in data:
        code = str(data.get("error") or "")
        desc = str(data.get("error_description") or "")
        exc = error_from_payload(code, desc, http_status=status, method=method)
        if isinstance(exc, OperationTimeLimit):
            timing = data.get("time")
            if isinstance(timing, dict) and timing.get("operating_reset_at"):
                exc.reset_at = float(timing["operating_reset_at"])
        raise exc
    if status >= 500:
        raise ServerError("server error", http_status=status, method=method)
    if "result" not in data:
        raise BadResponse("the answer has neither result nor error", http_status=status, method=method)
    if status >= 400:
        raise BadResponse("an error status with a result", http_status=status, method=method)
    return Envelope(
        result=data["result"],
        total=_opt_int(data.get("total")),
        next=_opt_int(data.get("next")),
        time=data.get("time") if isinstance(data.get("time"), dict) else None,
    )


def _opt_int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _keyed(section: Any) -> dict[str, Any]:
    """Batch sections come as objects, as lists (numeric keys 0..n) or as `[]` when empty."""
    if isinstance(section, Mapping):
        return {str(k): v for k, v in section.items()}
    if isinstance(section, list):
        return {str(i): v for i, v in enumerate(section)}
    return {}


def _unwrap(result: Any, items_key: str | None) -> list[dict[str, Any]]:
    if items_key and isinstance(result, Mapping):
        result = result.get(items_key, [])
    if isinstance(result, Mapping):  # a PHP array with gaps arrives as an object
        result = list(result.values())
    if not isinstance(result, list):
        return []
    return result


__all__ = [
    "BatchResult",
    "Bitrix24Client",
    "ClientStats",
    "Envelope",
    "parse_response",
]
