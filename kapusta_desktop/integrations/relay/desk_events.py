"""A desk's side of the relay: stored team events back into the events the call desk already handles.

`MangoEventDispatcher` is the feed's `on_event`: a stored Mango event is parsed
with the listener's own parser and handed to the same callback the desk
listener calls (CallDesk.handle), so trackers and pop-ups work unchanged.
Bitrix24 events go to an optional second callback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kapusta_desktop.integrations.bitrix24.outgoing_events import OutgoingEvent
from kapusta_desktop.integrations.mango.events import EventFormatError, MangoEvent, parse_event
from kapusta_desktop.store.relay_events import StoredRelayEvent

log = logging.getLogger(__name__)

MANGO_PREFIX = "mango:"
BITRIX24_PREFIX = "bitrix24:"


def mango_event_of(stored: StoredRelayEvent) -> MangoEvent | None:
    """The typed event a stored Mango row carries; None for other kinds."""
    if not stored.kind.startswith(MANGO_PREFIX):
        return None
    return parse_event(stored.kind[len(MANGO_PREFIX):], stored.payload)


def outgoing_event_of(stored: StoredRelayEvent) -> OutgoingEvent | None:
    if not stored.kind.startswith(BITRIX24_PREFIX):
        return None
    p = stored.payload
    data = p.get("data")
    return OutgoingEvent(
        event=stored.kind[len(BITRIX24_PREFIX):],
        data=data if isinstance(data, dict) else {},
        ts=p.get("ts") if isinstance(p.get("ts"), str) else None,
        domain=p.get("domain") if isinstance(p.get("domain"), str) else None,
    )


class MangoEventDispatcher:
    def __init__(
        self,
        on_mango: Callable[[MangoEvent], object],
        on_bitrix24: Callable[[OutgoingEvent], object] | None = None,
    ) -> None:
        self._on_mango = on_mango
        self._on_bitrix24 = on_bitrix24

    def __call__(self, stored: StoredRelayEvent) -> None:
        if stored.kind.startswith(MANGO_PREFIX):
            try:
                event = mango_event_of(stored)
            except EventFormatError as exc:  # stored by a relay of another version: skip, do not stall
                log.warning("relay event %s (%s) unreadable: %s", stored.id, stored.kind, exc)
                return
            if event is not None:
                self._on_mango(event)
        elif stored.kind.startswith(BITRIX24_PREFIX):
            event_b24 = outgoing_event_of(stored)
            if event_b24 is not None and self._on_bitrix24 is not None:
                self._on_bitrix24(event_b24)
        else:
            log.info("relay event %s of unknown kind %s skipped", stored.id, stored.kind)
