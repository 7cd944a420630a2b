"""How a POST from the PBX is judged: the one check the desk listener and the team relay share.

`vpbx_api_key` must be ours and `sign` is recomputed over the raw `json` form
field and compared in constant time. Forged or unsigned: `ForgedEventError`
(HTTP 403). A `json` that is not a form field, not JSON, or not an event we
can read: `MalformedEventError` (HTTP 400). No `json` field at all is the PBX
settings page's connection check (answer 200, nothing to do).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kapusta_desktop.integrations.mango.events import EventFormatError, MangoEvent, parse_event
from kapusta_desktop.integrations.mango.signing import verify

# Routes we verify and read; dtmf and sms are verified and acknowledged, nothing more.
EVENT_ROUTES = ("events/call", "events/summary", "events/record/added", "events/recording")
IGNORED_ROUTES = ("events/dtmf", "events/sms")


class ForgedEventError(Exception):
    """Wrong key, wrong or missing sign: the request is not from our PBX."""


class MalformedEventError(ValueError):
    """Signed correctly but not an event we can read."""


@dataclass(frozen=True)
class VerifiedEvent:
    """A request that passed the check. `payload`/`event` are None for the connection check."""

    route: str
    json_text: str | None
    payload: dict[str, Any] | None
    event: MangoEvent | None  # None also for the acknowledged-only routes (dtmf, sms)

    @property
    def is_check(self) -> bool:
        return self.json_text is None


def is_known_route(route: str) -> bool:
    route = route.strip("/")
    return route in EVENT_ROUTES or route in IGNORED_ROUTES or (route.startswith("result/") and route != "result/")


def key_matches(api_key: str, api_salt: str, given: str | None) -> bool:
    """Our key, compared in constant time; with no key or salt configured nothing matches."""
    if not api_key or not api_salt or not given:
        return False
    return hmac.compare_digest(api_key.encode("utf-8"), given.encode("utf-8"))


def verify_event_form(route: str, form: Mapping[str, Any], *, api_key: str, api_salt: str) -> VerifiedEvent:
    """Check one POSTed form (the three fields) and read its event; raises on anything not ours."""
    route = route.strip("/")
    json_text = form.get("json")
    if json_text is None:
        return VerifiedEvent(route, None, None, None)
    if not isinstance(json_text, str):
        raise MalformedEventError("json must be a form field")
    key = form.get("vpbx_api_key")
    given_sign = form.get("sign")
    if (
        not isinstance(key, str)
        or not isinstance(given_sign, str)
        or not key_matches(api_key, api_salt, key)
        or not verify(api_key, json_text, api_salt, given_sign)
    ):
        raise ForgedEventError("bad key or sign")
    try:
        payload = json.loads(json_text)
    except ValueError as exc:
        raise MalformedEventError(f"json is not valid JSON: {exc}") from None
    if route in IGNORED_ROUTES:
        return VerifiedEvent(route, json_text, payload if isinstance(payload, dict) else None, None)
    if not isinstance(payload, dict):
        raise MalformedEventError("event json is not an object")
    try:
        event = parse_event(route, payload)
    except EventFormatError as exc:
        raise MalformedEventError(str(exc)) from None
    return VerifiedEvent(route, json_text, payload, event)
