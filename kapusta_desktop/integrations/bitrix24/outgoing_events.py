"""Bitrix24 outgoing events (event handlers): the POSTed form, read and verified.

Bitrix24 POSTs `application/x-www-form-urlencoded` with PHP-style bracketed
names: `event=ONCRMDEALUPDATE`, `data[FIELDS][ID]=42`, `ts=...`,
`auth[application_token]=...`, `auth[domain]=...`. Only the record id is sent
and there are no retries. The event is ours only if `auth[application_token]`
equals the token the portal issued to our handler (compared in constant
time): missing, 401; wrong, 403. The token is never kept with the event.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kapusta_desktop.integrations.bitrix24.encoding import FormKeyError, nest_form

EVENT_NAME = re.compile(r"^[A-Z][A-Z0-9_]{2,63}$")


class MissingTokenError(Exception):
    """No auth[application_token] in the request (HTTP 401)."""


class WrongTokenError(Exception):
    """An application_token that is not ours (HTTP 403)."""


class MalformedOutgoingEventError(ValueError):
    """Authentic but unreadable (HTTP 400)."""


@dataclass(frozen=True)
class OutgoingEvent:
    event: str  # ONCRMDEALUPDATE, ...
    data: dict[str, Any]  # {"FIELDS": {"ID": "42"}}
    ts: str | None
    domain: str | None

    @property
    def record_id(self) -> str | None:
        # CRM events name the record in FIELDS; task events in FIELDS_AFTER (add, update) or FIELDS_BEFORE (delete).
        for block in ("FIELDS", "FIELDS_AFTER", "FIELDS_BEFORE"):
            fields = self.data.get(block)
            value = fields.get("ID") if isinstance(fields, dict) else None
            if value not in (None, ""):
                return str(value)
        return None

    def as_payload(self) -> dict[str, Any]:
        """What may be stored and forwarded: everything but the auth block."""
        return {"event": self.event, "data": self.data, "ts": self.ts, "domain": self.domain}


def read_outgoing_event(items: Iterable[tuple[str, Any]], *, application_token: str) -> OutgoingEvent:
    """Verify and read one POSTed event; raises MissingTokenError, WrongTokenError or MalformedOutgoingEventError."""
    try:
        form = nest_form(items)
    except FormKeyError as exc:
        raise MalformedOutgoingEventError(str(exc)) from None
    auth = form.get("auth")
    given = auth.get("application_token") if isinstance(auth, dict) else None
    if not isinstance(given, str) or not given:
        raise MissingTokenError("no application_token")
    if not application_token or not hmac.compare_digest(given.encode("utf-8"), application_token.encode("utf-8")):
        raise WrongTokenError("application_token does not match")
    name = form.get("event")
    if not isinstance(name, str) or not EVENT_NAME.match(name.strip().upper()):
        raise MalformedOutgoingEventError("no readable event name")
    data = form.get("data")
    ts = form.get("ts")
    domain = auth.get("domain") if isinstance(auth, dict) else None
    return OutgoingEvent(
        event=name.strip().upper(),
        data=data if isinstance(data, dict) else {},
        ts=ts if isinstance(ts, str) else None,
        domain=domain if isinstance(domain, str) else None,
    )
