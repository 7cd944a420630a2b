"""The portal's limits: a leaky bucket per portal, and per-method operating time."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable


class PortalBucket:
    """Each request adds 1, drains at `rate`/s; a request that would overflow `capacity` is refused."""

    def __init__(self, rate: float = 2.0, capacity: float = 50.0, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._level = 0.0
        self._stamp = clock()

    def admit(self) -> bool:
        now = self._clock()
        self._level = max(0.0, self._level - (now - self._stamp) * self.rate)
        self._stamp = now
        if self._level + 1.0 > self.capacity + 1e-9:
            return False
        self._level += 1.0
        return True

    @property
    def level(self) -> float:
        now = self._clock()
        return max(0.0, self._level - (now - self._stamp) * self.rate)


class OperatingTime:
    """Per method: seconds spent over a sliding window of `buckets` equal slices (10 x 1 min by default)."""

    def __init__(self, limit: float = 480.0, window: float = 600.0, buckets: int = 10, min_cost: float = 0.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.window = window
        self.slice = window / buckets
        self.min_cost = min_cost
        self._clock = clock
        self._used: dict[str, deque[list[float]]] = defaultdict(deque)  # [slice start, seconds]

    def _trim(self, method: str) -> deque[list[float]]:
        q = self._used[method]
        horizon = self._clock() - self.window
        while q and q[0][0] + self.slice <= horizon:
            q.popleft()
        return q

    def used(self, method: str) -> float:
        return sum(s for _, s in self._trim(method))

    def reset_at(self, method: str) -> int:
        q = self._trim(method)
        oldest = q[0][0] if q else self._clock()
        return int(oldest + self.window + self.slice)

    def exhausted(self, method: str) -> bool:
        return self.used(method) >= self.limit

    def spend(self, method: str, seconds: float) -> None:
        seconds = max(seconds, self.min_cost)
        now = self._clock()
        start = now - (now % self.slice)
        q = self._trim(method)
        if q and q[-1][0] == start:
            q[-1][1] += seconds
        else:
            q.append([start, seconds])
