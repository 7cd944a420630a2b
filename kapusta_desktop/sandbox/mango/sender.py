"""Plays a scripted call at a listener: each event POSTed as the PBX does, correctly signed."""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

import httpx

from kapusta_desktop.sandbox.mango.scenarios import ScriptedEvent


def pbx_sign(api_key: str, json_text: str, api_salt: str) -> str:
    """sha256(key + json + salt), lower-case hex: how the PBX signs (and checks) a request."""
    return hashlib.sha256((api_key + json_text + api_salt).encode("utf-8")).hexdigest()


def pbx_form(api_key: str, api_salt: str, payload: dict[str, Any]) -> dict[str, str]:
    """The PBX's three form fields; the sandbox signs on its own, as the real PBX would."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return {"vpbx_api_key": api_key, "sign": pbx_sign(api_key, text, api_salt), "json": text}


async def play(
    listener_url: str,
    events: list[ScriptedEvent],
    *,
    api_key: str,
    api_salt: str,
    paced: bool = True,
    http: httpx.AsyncClient | None = None,
) -> list[int]:
    """POST every event to `<listener_url>/<route>`; returns the HTTP statuses."""
    base = listener_url.rstrip("/")
    own = http is None
    client = http or httpx.AsyncClient(timeout=10.0)
    statuses: list[int] = []
    try:
        for event in events:
            if paced and event.delay > 0:
                await asyncio.sleep(event.delay)
            response = await client.post(f"{base}/{event.route}", data=pbx_form(api_key, api_salt, event.payload))
            statuses.append(response.status_code)
    finally:
        if own:
            await client.aclose()
    return statuses
