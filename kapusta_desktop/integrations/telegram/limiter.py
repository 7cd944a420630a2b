"""Outgoing rate limits for the Bot API, per chat, per group and overall.

Telegram's documented limits: about 1 message/s in one chat, 20/min in one
group, about 30/s overall. Telegram counts the moment a request arrives, which
comes a little after we decide to send, so our windows carry a small margin.
A 429 pauses only the chat that got it.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from kapusta_desktop.domain.notice_rules import is_group_chat


@dataclass(frozen=True)
class Limits:
    per_chat_interval: float = 1.0
    group_count: int = 20
    group_window: float = 60.0
    global_count: int = 30
    global_window: float = 1.0
    margin: float = 0.15  # seconds added to the per-second window: arrival jitter
    group_margin: float = 1.0  # the same for the minute window; ~2% of it buys slack for a busy start

    def scaled(self, factor: float) -> Limits:
        """The same limits on a faster clock (tests): every duration times `factor`."""
        return Limits(
            per_chat_interval=self.per_chat_interval * factor,
            group_count=self.group_count,
            group_window=self.group_window * factor,
            global_count=self.global_count,
            global_window=self.global_window * factor,
            margin=self.margin * factor,
            group_margin=self.group_margin * factor,
        )


class RateLimiter:
    """`await acquire(chat)` returns when sending to `chat` now keeps every limit.

    Sends are recorded at the moment they are granted, so the history stays in
    time order; one asyncio loop makes check-and-record atomic.
    """

    def __init__(self, limits: Limits | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits or Limits()
        self._clock = clock
        self._chat_next: dict[str, float] = {}
        self._paused: dict[str, float] = {}
        self._group_sends: dict[str, deque[float]] = {}
        self._global_sends: deque[float] = deque()

    def earliest(self, chat_id: str, now: float | None = None) -> float:
        """The first moment (on our clock) a send to `chat_id` would keep every limit."""
        lim = self.limits
        start = self._clock() if now is None else now
        t = max(start, self._chat_next.get(chat_id, 0.0), self._paused.get(chat_id, 0.0))
        if is_group_chat(chat_id):
            sends = self._group_sends.get(chat_id)
            if sends is not None and len(sends) >= lim.group_count:
                t = max(t, sends[-lim.group_count] + lim.group_window + lim.group_margin)
        if self._global_sends:
            # Spread sends evenly instead of in bursts at each window edge: arrival jitter then
            # cannot pile more than the limit into one of Telegram's windows.
            t = max(t, self._global_sends[-1] + (lim.global_window + lim.margin) / lim.global_count)
        if len(self._global_sends) >= lim.global_count:
            t = max(t, self._global_sends[-lim.global_count] + lim.global_window + lim.margin)
        return t

    def try_acquire(self, chat_id: str) -> bool:
        now = self._clock()
        if self.earliest(chat_id, now) > now:
            return False
        lim = self.limits
        self._chat_next[chat_id] = now + lim.per_chat_interval
        if is_group_chat(chat_id):
            sends = self._group_sends.setdefault(chat_id, deque(maxlen=lim.group_count))
            sends.append(now)
        self._global_sends.append(now)
        while len(self._global_sends) > lim.global_count:
            self._global_sends.popleft()
        return True

    async def acquire(self, chat_id: str) -> None:
        while not self.try_acquire(chat_id):
            await asyncio.sleep(max(0.0, self.earliest(chat_id) - self._clock()))

    def pause(self, chat_id: str, seconds: float) -> None:
        """Telegram said 429 for this chat: nothing goes to it for `seconds`; other chats carry on."""
        self._paused[chat_id] = max(self._paused.get(chat_id, 0.0), self._clock() + seconds)
