"""The PBX's request limits as the vendor documents them, per API key.

Per second: 10 requests in general; 4 for callback, hangup and recording/start;
`config/users/request` and `stats/request` 1 per 2 s. Over a limit: HTTP 429
with the vendor's JSON body. More than one 3xxx result within 2 minutes locks
the key out (HTTP 401) for 2 minutes.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

RATE_LIMITED_BODY = {"name": "Service Unavailable", "message": "Rate limit exceeded.", "code": 0, "status": 429}
GENERAL = (10, 1.0)
SERVICE_LIMITS: dict[str, tuple[int, float]] = {
    "commands/callback": (4, 1.0),
    "commands/call/hangup": (4, 1.0),
    "commands/recording/start": (4, 1.0),
    "config/users/request": (1, 2.0),
    "stats/request": (1, 2.0),
}
LOCKOUT_WINDOW = 120.0
LOCKOUT_SECONDS = 120.0


class Window:
    """At most `limit` admitted requests in any `period` seconds (sliding)."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._times: deque[float] = deque()

    def has_room(self, now: float) -> bool:
        while self._times and now - self._times[0] >= self.period:
            self._times.popleft()
        return len(self._times) < self.limit

    def take(self, now: float) -> None:
        self._times.append(now)


class KeyLimits:
    """Rate windows and the 3xxx lock-out of one API key."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, *, lockout: bool = True) -> None:
        self._clock = clock
        self._lockout = lockout
        self._general = Window(*GENERAL)
        self._services = {name: Window(*limit) for name, limit in SERVICE_LIMITS.items()}
        self._errors: deque[float] = deque()
        self.locked_until = 0.0

    def locked(self) -> bool:
        return self._clock() < self.locked_until

    def admit(self, service: str) -> str | None:
        """None when the request may go on, else which limit refused it ("general" or the service)."""
        now = self._clock()
        own = self._services.get(service)
        if own is not None and not own.has_room(now):
            return service
        if not self._general.has_room(now):
            return "general"
        self._general.take(now)
        if own is not None:
            own.take(now)
        return None

    def note_result(self, code: int) -> None:
        """Count a 3xxx answer; the second one within the window locks the key out."""
        if not self._lockout or not 3000 <= code < 4000:
            return
        now = self._clock()
        while self._errors and now - self._errors[0] >= LOCKOUT_WINDOW:
            self._errors.popleft()
        self._errors.append(now)
        if len(self._errors) > 1:
            self.locked_until = now + LOCKOUT_SECONDS
            self._errors.clear()
