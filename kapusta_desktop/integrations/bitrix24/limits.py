"""Client-side limits that mirror the portal's, so normal work never hits them.

- `LeakyBucket`: each HTTP request adds 1, the bucket drains at `rate` per
  second, a request waits while the bucket would overflow `burst`. A batch is
  one request.
- `OperatingTracker`: per-method time budget. The portal reports
  `time.operating` (seconds the method used in its sliding window) and
  `time.operating_reset_at` (unix time); when a method nears the limit or gets
  OPERATION_TIME_LIMIT, only that method pauses until the reset.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class LimitConfig:
    rate: float = 2.0  # requests drained per second
    burst: int = 50  # bucket size
    headroom: float = 1.0  # keep this many requests below the portal's burst
    operating_limit: float = 480.0  # seconds per method per window (the docs' example)
    operating_threshold: float = 0.9  # pause a method when it has used this share
    operating_fallback_pause: float = 60.0  # pause after a 429 when the portal gave no reset time
    max_operating_pause: float = 600.0

    @classmethod
    def enterprise(cls) -> LimitConfig:
        return cls(rate=5.0, burst=250)

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        if not 0 <= self.headroom < self.burst:
            raise ValueError("headroom must be >= 0 and below burst")


class RequestLimiter(Protocol):
    """What the client asks before each HTTP request. `LeakyBucket` is the desk's own; a team of desks
    passes one shared by all of them (store/request_budget.py), so together they stay under the portal's limit."""

    async def acquire(self) -> float:
        """Wait until one request fits, count it, return the seconds waited."""
        ...

    def fill(self) -> None:
        """The portal answered QUERY_LIMIT_EXCEEDED: treat the bucket as full."""
        ...


class LeakyBucket:
    def __init__(self, rate: float, capacity: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._level = 0.0
        self._stamp = clock()
        self._lock = asyncio.Lock()

    def _drain(self) -> float:
        now = self._clock()
        self._level = max(0.0, self._level - (now - self._stamp) * self.rate)
        self._stamp = now
        return self._level

    @property
    def level(self) -> float:
        return self._drain()

    def delay_for_next(self) -> float:
        """Seconds until one more request fits."""
        level = self._drain()
        return max(0.0, (level + 1.0 - self.capacity) / self.rate)

    async def acquire(self) -> float:
        """Wait until one request fits, count it, return the seconds waited."""
        waited = 0.0
        async with self._lock:  # FIFO: callers are served in arrival order
            while True:
                delay = self.delay_for_next()
                if delay <= 0:
                    self._level += 1.0
                    return waited
                await asyncio.sleep(delay + 0.001)
                waited += delay + 0.001

    def fill(self) -> None:
        """The portal said the bucket overflowed: assume it is full and let it drain."""
        self._drain()
        self._level = max(self._level, self.capacity)


class OperatingTracker:
    def __init__(self, config: LimitConfig, *, wall_clock: Callable[[], float] = time.time) -> None:
        self._config = config
        self._now = wall_clock
        self._paused_until: dict[str, float] = {}
        self._reset_at: dict[str, float] = {}
        self.operating: dict[str, float] = {}

    def pause_left(self, method: str) -> float:
        until = self._paused_until.get(method)
        if until is None:
            return 0.0
        left = until - self._now()
        if left <= 0:
            del self._paused_until[method]
            return 0.0
        return min(left, self._config.max_operating_pause)

    async def wait(self, method: str) -> float:
        left = self.pause_left(method)
        if left > 0:
            await asyncio.sleep(left)
        return left

    def observe(self, method: str, timing: Mapping[str, Any] | None) -> None:
        """Feed the `time` block of an answer (or a batch's per-command `result_time`)."""
        if not isinstance(timing, Mapping):
            return
        try:
            operating = float(timing.get("operating", 0) or 0)
        except (TypeError, ValueError):
            return
        reset_at = _as_float(timing.get("operating_reset_at"))
        self.operating[method] = operating
        if reset_at is not None:
            self._reset_at[method] = reset_at
        if operating >= self._config.operating_limit * self._config.operating_threshold and reset_at:
            self._pause(method, reset_at)

    def limit_hit(self, method: str, reset_at: float | None = None) -> float:
        """The portal answered OPERATION_TIME_LIMIT for `method`; returns the pause in seconds."""
        until = reset_at or self._reset_at.get(method)
        if until is None or until <= self._now():
            until = self._now() + self._config.operating_fallback_pause
        self._pause(method, until)
        return self.pause_left(method)

    def _pause(self, method: str, until: float) -> None:
        until = min(until, self._now() + self._config.max_operating_pause)
        if until > self._paused_until.get(method, 0.0):
            self._paused_until[method] = until


def _as_float(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
