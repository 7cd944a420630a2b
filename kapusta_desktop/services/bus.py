"""A plain, synchronous event bus: services publish, the UI and notices subscribe.

No Qt here; `ui/` wraps subscriptions into signals.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)
E = TypeVar("E")


class EventBus:
    def __init__(self) -> None:
        self._subs: dict[type, list[Callable[[Any], None]]] = defaultdict(list)

    def subscribe(self, event_type: type[E], callback: Callable[[E], None]) -> Callable[[], None]:
        """Call `callback` for every event of `event_type` (or a subclass); returns an unsubscribe."""
        self._subs[event_type].append(callback)
        return lambda: self._subs[event_type].remove(callback)

    def publish(self, event: object) -> None:
        # One failing subscriber must not keep the others from hearing the event.
        for event_type in type(event).__mro__:
            for callback in list(self._subs.get(event_type, ())):
                try:
                    callback(event)
                except Exception:
                    log.exception("subscriber %r failed on %s", callback, type(event).__name__)
