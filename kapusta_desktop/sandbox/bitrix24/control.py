"""The sandbox's control interface over HTTP, under `/_sandbox/` (no auth: loopback tests and demos only).

    GET  /_sandbox/stats                      counters (requests, 503s sent, per method, faults ...)
    POST /_sandbox/stats/reset
    GET  /_sandbox/faults                     current fault settings
    POST /_sandbox/faults                     {"error_500": 0.1, "html": 0.05, "slow": 0, "drop": 0, "seed": 7}
    GET  /_sandbox/rows/{entity}[?id=N]       stored rows: deal, contact, company, lead, task, user, activity, comment
    POST /_sandbox/act/{entity}/add           {"fields": {...}, "user_id": 3}       -> {"id": N}
    POST /_sandbox/act/{entity}/update        {"id": N, "fields": {...}, "user_id": 3}
    POST /_sandbox/act/{entity}/delete        {"id": N}
    POST /_sandbox/tokens/issue               {"user_id": 1} -> {"access_token", "refresh_token"}
    POST /_sandbox/tokens/expire              every access token expires now
    POST /_sandbox/move                       {"to": "http://127.0.0.1:PORT"} (302 every REST call), {"to": null} undoes
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from kapusta_desktop.sandbox.bitrix24.faults import FaultConfig

if TYPE_CHECKING:
    from kapusta_desktop.sandbox.bitrix24.server import Bitrix24Sandbox


def add_control_routes(app: web.Application, sb: Bitrix24Sandbox) -> None:
    async def body(request: web.Request) -> dict[str, Any]:
        if not request.can_read_body:
            return {}
        try:
            data = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="body must be JSON") from None
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="body must be a JSON object")
        return data

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(sb.stats.as_dict())

    async def stats_reset(request: web.Request) -> web.Response:
        from kapusta_desktop.sandbox.bitrix24.server import SandboxStats

        sb.stats = SandboxStats()
        return web.json_response({"ok": True})

    async def faults_get(request: web.Request) -> web.Response:
        return web.json_response(sb.faults.config.as_dict())

    async def faults_set(request: web.Request) -> web.Response:
        try:
            config = FaultConfig.from_mapping(await body(request))
        except (TypeError, ValueError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        sb.set_faults(config)
        return web.json_response(config.as_dict())

    async def rows(request: web.Request) -> web.Response:
        entity = request.match_info["entity"]
        try:
            if "id" in request.query:
                row = sb.row(entity, int(request.query["id"]))
                if row is None:
                    return web.json_response({"error": "not found"}, status=404)
                return web.json_response(_public(row))
            return web.json_response([_public(r) for r in sb.rows(entity)])
        except (KeyError, ValueError) as exc:
            return web.json_response({"error": str(exc)}, status=400)

    async def act(request: web.Request) -> web.Response:
        entity, op = request.match_info["entity"], request.match_info["op"]
        data = await body(request)
        user_id = int(data.get("user_id", 1))
        try:
            if op == "add":
                return web.json_response({"id": sb.act_add(entity, data.get("fields") or {}, user_id=user_id)})
            if op == "update":
                ok = sb.act_update(entity, int(data["id"]), data.get("fields") or {}, user_id=user_id)
            elif op == "delete":
                ok = sb.act_delete(entity, int(data["id"]))
            else:
                return web.json_response({"error": f"unknown action {op!r}"}, status=404)
        except (KeyError, ValueError, TypeError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response({"ok": ok}, status=200 if ok else 404)

    async def tokens_issue(request: web.Request) -> web.Response:
        data = await body(request)
        access, refresh = sb.issue_tokens(int(data.get("user_id", 1)))
        return web.json_response({"access_token": access, "refresh_token": refresh,
                                  "client_id": sb.client_id, "client_secret": sb.client_secret})

    async def tokens_expire(request: web.Request) -> web.Response:
        return web.json_response({"expired": sb.expire_tokens()})

    async def move(request: web.Request) -> web.Response:
        sb.moved_to = (await body(request)).get("to") or None
        return web.json_response({"moved_to": sb.moved_to})

    app.router.add_get("/_sandbox/stats", stats)
    app.router.add_post("/_sandbox/stats/reset", stats_reset)
    app.router.add_get("/_sandbox/faults", faults_get)
    app.router.add_post("/_sandbox/faults", faults_set)
    app.router.add_get("/_sandbox/rows/{entity}", rows)
    app.router.add_post("/_sandbox/act/{entity}/{op}", act)
    app.router.add_post("/_sandbox/tokens/issue", tokens_issue)
    app.router.add_post("/_sandbox/tokens/expire", tokens_expire)
    app.router.add_post("/_sandbox/move", move)


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if not k.startswith("_")}
