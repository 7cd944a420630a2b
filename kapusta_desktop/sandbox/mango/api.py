"""A loopback Mango Office PBX API: the commands the desk sends, answered as the PBX does.

`async with MangoApiSandbox(api_key=..., api_salt=..., listener_url=...) as pbx:`
serves `pbx.base_url` (`http://127.0.0.1:PORT/vpbx/`), the base a `MangoClient`
takes. Every request is three form fields; the sandbox checks them in the
vendor's order and answers `{"result": code}`:

- not POST 3101; a field missing 3103; unknown `vpbx_api_key` 3105; `sign`
  not sha256(key + json + salt) 3102; `json` not a JSON object 3400; a
  command parameter missing 3103, a number that is not one 3200; unknown
  service 4001. Over a rate limit: HTTP 429 with the vendor's body; a second
  3xxx within 2 minutes: the key answers HTTP 401 for 2 minutes.
- `commands/callback` answers 1000, then plays the call at the listener
  (`<listener>/events/call` ...): the employee's leg, then the client's leg
  (`from.taken_from_call_id`, `command_id` on both), the outcome to
  `<listener>/result/callback` and the summary.
- `commands/call/hangup` answers 1000; a live leg of a call the sandbox plays
  ends (Disconnected, reason 1181) and `result/call/hangup` follows; a leg it
  never saw gets result 3310, an ended one 4101.
- `config/users/request` lists the sample managers (`users.py`).

Events are signed with the same key and salt, as the real PBX signs them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web

from kapusta_desktop.domain.sample_data import SampleManager, generate
from kapusta_desktop.sandbox.mango import scenarios
from kapusta_desktop.sandbox.mango.limits import RATE_LIMITED_BODY, KeyLimits
from kapusta_desktop.sandbox.mango.sender import pbx_form, pbx_sign
from kapusta_desktop.sandbox.mango.users import users_answer

log = logging.getLogger(__name__)

DEFAULT_LINE = "74957654321"
LOCKED_BODY = {"name": "Unauthorized", "message": "API key is locked out after errors.", "code": 0, "status": 401}
ENDED_BY_API = 1181


class _Refused(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class MangoSandboxStats:
    requests: int = 0
    by_service: Counter[str] = field(default_factory=Counter)
    results: Counter[int] = field(default_factory=Counter)
    rate_limited: Counter[str] = field(default_factory=Counter)  # which limit refused
    locked_out: int = 0
    delivered: list[tuple[str, dict[str, Any], int]] = field(default_factory=list)  # route, payload, HTTP status
    delivery_failures: int = 0


@dataclass
class _Playback:
    """One call the sandbox is playing at the listener; a hangup interrupts it."""

    events: list[scenarios.ScriptedEvent]
    hangup: asyncio.Event = field(default_factory=asyncio.Event)
    hangup_command: str | None = None
    last: dict[str, dict[str, Any]] = field(default_factory=dict)  # call_id -> last events/call payload
    open_legs: list[str] = field(default_factory=list)
    result_sent: bool = False
    done: bool = False


def _digits_number(text: str) -> bool:
    return text.isdigit() and 5 <= len(text) <= 15


class MangoApiSandbox:
    def __init__(
        self,
        *,
        api_key: str,
        api_salt: str,
        listener_url: str | None = None,
        managers: list[SampleManager] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        pace: float = 0.0,
        client_answers: bool = True,
        lockout: bool = True,
        clock: Callable[[], float] = time.monotonic,
        seed: int | None = None,
    ) -> None:
        if not api_key or not api_salt:
            raise ValueError("the Mango sandbox needs an API key and salt")
        self.api_key = api_key
        self._salt = api_salt
        self.listener_url = listener_url.rstrip("/") if listener_url else None
        self.managers = managers if managers is not None else generate(
            companies=0, contacts=0, deals=0, tasks=0, leads=0, managers=8).managers
        self.host, self.port = host, port
        self.pace = pace  # wall seconds per second of call; 0 plays a call at once
        self.client_answers = client_answers
        self._lockout = lockout
        self._clock = clock
        self._rng = random.Random(seed)
        self._limits: dict[str, KeyLimits] = {}
        self._legs: dict[str, _Playback] = {}  # call_id -> the call it belongs to
        self._tasks: set[asyncio.Task[None]] = set()
        self._http: httpx.AsyncClient | None = None
        self._runner: web.AppRunner | None = None
        self.stats = MangoSandboxStats()

    # --- lifecycle ----------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024)
        app.router.add_route("*", "/vpbx/{service:.+}", self._handle)
        return app

    async def start(self) -> None:
        self._http = httpx.AsyncClient(timeout=10.0)
        self._runner = web.AppRunner(self.make_app(), access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def __aenter__(self) -> MangoApiSandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/vpbx/"

    async def idle(self, timeout: float = 10.0) -> None:
        """Wait until every call being played has been delivered (tests)."""
        async with asyncio.timeout(timeout):
            while self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # --- requests -----------------------------------------------------------------------------

    def _answer(self, code: int, key: str | None = None) -> web.Response:
        self.stats.results[code] += 1
        if key is not None and key in self._limits:
            self._limits[key].note_result(code)
        return web.json_response({"result": code})

    async def _handle(self, request: web.Request) -> web.Response:
        self.stats.requests += 1
        service = request.match_info["service"].strip("/")
        self.stats.by_service[service] += 1
        if request.method != "POST":
            return self._answer(3101)
        form = await request.post()
        key, given_sign, json_text = form.get("vpbx_api_key"), form.get("sign"), form.get("json")
        if isinstance(key, str) and key:
            limits = self._limits.setdefault(key, KeyLimits(self._clock, lockout=self._lockout))
            if limits.locked():
                self.stats.locked_out += 1
                return web.json_response(LOCKED_BODY, status=401)
            refused_by = limits.admit(service)
            if refused_by is not None:
                self.stats.rate_limited[refused_by] += 1
                return web.json_response(RATE_LIMITED_BODY, status=429)
        if not all(isinstance(v, str) and v for v in (key, given_sign, json_text)):
            return self._answer(3103, key if isinstance(key, str) else None)
        assert isinstance(key, str) and isinstance(given_sign, str) and isinstance(json_text, str)
        if not hmac.compare_digest(key.encode(), self.api_key.encode()):
            return self._answer(3105, key)
        expected = pbx_sign(self.api_key, json_text, self._salt)
        if not hmac.compare_digest(expected.encode(), given_sign.strip().lower().encode("utf-8", "replace")):
            return self._answer(3102, key)
        try:
            payload = json.loads(json_text)
        except ValueError:
            return self._answer(3400, key)
        if not isinstance(payload, dict):
            return self._answer(3400, key)
        try:
            if service == "commands/callback":
                self._callback(payload)
            elif service == "commands/call/hangup":
                self._hangup(payload)
            elif service == "config/users/request":
                return self._users(payload, key)
            else:
                return self._answer(4001, key)
        except _Refused as refused:
            return self._answer(refused.code, key)
        return self._answer(1000, key)

    def _users(self, payload: dict[str, Any], key: str) -> web.Response:
        extension = payload.get("extension")
        ext_fields = payload.get("ext_fields") or []
        if extension is not None and not str(extension).strip().isdigit():
            return self._answer(3104, key)
        if not isinstance(ext_fields, list):
            return self._answer(3104, key)
        body = users_answer(self.managers, extension=None if extension is None else str(extension).strip(),
                            ext_fields=[str(f) for f in ext_fields])
        self.stats.results[1000] += 1
        return web.json_response(body)

    @staticmethod
    def _text(payload: dict[str, Any], name: str) -> str:
        value = payload.get(name)
        if value is None or isinstance(value, dict | list | bool) or not str(value).strip():
            raise _Refused(3103)
        return str(value).strip()

    def _callback(self, payload: dict[str, Any]) -> None:
        command_id = self._text(payload, "command_id")
        frm = payload.get("from")
        if not isinstance(frm, dict):
            raise _Refused(3103)
        extension = self._text(frm, "extension")
        to_number = self._text(payload, "to_number")
        line = str(payload.get("line_number") or DEFAULT_LINE)
        if extension not in {m.extension for m in self.managers}:
            raise _Refused(3200)
        if not (_digits_number(to_number) or to_number.lower().startswith("sip:")):
            raise _Refused(3200)
        events = scenarios.callback(extension=extension, client=to_number, command_id=command_id,
                                    answered=self.client_answers, line=line, start=int(time.time()),
                                    rng=self._rng, pace=self.pace)
        self._launch(_Playback(events))

    def _hangup(self, payload: dict[str, Any]) -> None:
        command_id = self._text(payload, "command_id")
        call_id = self._text(payload, "call_id")
        play = self._legs.get(call_id)
        if play is not None and not play.done and call_id in play.open_legs and not play.hangup.is_set():
            play.hangup_command = command_id
            play.hangup.set()  # the playback ends the call and reports the result
            return
        code = 3310 if play is None else 4101
        self._spawn(self._deliver("result/call/hangup", {"command_id": command_id, "result": code}))

    # --- playing calls at the listener ----------------------------------------------------------

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _launch(self, play: _Playback) -> None:
        for ev in play.events:
            if ev.route == "events/call":
                self._legs[ev.payload["call_id"]] = play
        self._spawn(self._play(play))

    async def _deliver(self, route: str, payload: dict[str, Any]) -> None:
        if self.listener_url is None or self._http is None:
            self.stats.delivery_failures += 1
            log.warning("Mango sandbox: no listener URL; %s not delivered", route)
            return
        try:
            response = await self._http.post(f"{self.listener_url}/{route}",
                                              data=pbx_form(self.api_key, self._salt, payload))
            status = response.status_code
        except httpx.HTTPError as exc:
            self.stats.delivery_failures += 1
            log.warning("Mango sandbox: %s not delivered: %s", route, type(exc).__name__)
            return
        self.stats.delivered.append((route, payload, status))

    async def _play(self, play: _Playback) -> None:
        try:
            for ev in play.events:
                if ev.delay > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(play.hangup.wait(), ev.delay)
                if play.hangup.is_set():
                    await self._end_by_api(play)
                    return
                self._note(play, ev)
                await self._deliver(ev.route, ev.payload)
            if play.hangup.is_set():  # the hangup came after the last leg had ended
                await self._deliver("result/call/hangup", {"command_id": play.hangup_command, "result": 4101})
        finally:
            play.done = True

    @staticmethod
    def _note(play: _Playback, ev: scenarios.ScriptedEvent) -> None:
        if ev.route == "result/callback":
            play.result_sent = True
        if ev.route != "events/call":
            return
        call_id = ev.payload["call_id"]
        play.last[call_id] = ev.payload
        if ev.payload["call_state"] == "Disconnected":
            if call_id in play.open_legs:
                play.open_legs.remove(call_id)
        elif call_id not in play.open_legs:
            play.open_legs.append(call_id)

    async def _end_by_api(self, play: _Playback) -> None:
        """A hangup: every live leg ends (client first), then the command's result and the summary."""
        now = max([int(time.time())] + [p["timestamp"] for p in play.last.values()])
        for call_id in reversed(list(play.open_legs)):
            last = play.last[call_id]
            payload = {**last, "seq": int(last["seq"]) + 1, "timestamp": now, "call_state": "Disconnected",
                       "disconnect_reason": ENDED_BY_API}
            play.open_legs.remove(call_id)
            await self._deliver("events/call", payload)
        await self._deliver("result/call/hangup", {"command_id": play.hangup_command, "result": 1000})
        summary = next((e.payload for e in play.events if e.route == "events/summary"), None)
        if not play.result_sent:
            result = next((e.payload for e in play.events if e.route == "result/callback"), None)
            if result is not None:
                await self._deliver("result/callback", result)
        if summary is not None:
            client_legs = [p for p in play.last.values() if p.get("from", {}).get("taken_from_call_id")]
            talked = any(self._was_connected(play, p["call_id"]) for p in client_legs)
            talk_at = self._connected_at(play, client_legs[0]["call_id"]) if talked else 0
            await self._deliver("events/summary", {**summary, "end_time": now, "talk_time": talk_at,
                                                   "entry_result": 1 if talked else 0,
                                                   "disconnect_reason": ENDED_BY_API})

    @staticmethod
    def _was_connected(play: _Playback, call_id: str) -> bool:
        return MangoApiSandbox._connected_at(play, call_id) > 0

    @staticmethod
    def _connected_at(play: _Playback, call_id: str) -> int:
        # Only events already delivered count: those before the hangup in the script.
        delivered = play.last.get(call_id)
        if delivered is None:
            return 0
        for ev in play.events:
            p = ev.payload
            if ev.route == "events/call" and p["call_id"] == call_id and p["call_state"] == "Connected" \
                    and int(p["seq"]) <= int(delivered["seq"]):
                return int(p["timestamp"])
        return 0

