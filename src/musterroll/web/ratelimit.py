"""Per-client rate limiting of family searches: a sliding window in memory.

The same window counts other things than clients: the searches of one browser session,
the misses on one searched name (``peek`` asks without counting, ``count`` counts without
asking). The clock is injectable so that tests can play a day of requests in no time.

One process serves the app (uvicorn, one worker), so a dictionary is enough; with several
workers each would count on its own and the limit would multiply (a shared store is then
needed: noted in the web README).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """Allow at most `limit` events per client in any window of `window` seconds."""

    def __init__(self, limit: int, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, client: str) -> float | None:
        """Count one event of `client`; return None if allowed, else seconds to wait."""
        now = self._clock()
        with self._lock:
            events = self._events.setdefault(client, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return events[0] + self.window - now
            events.append(now)
            if len(self._events) > 100_000:
                self._forget_idle(now)
            return None

    def peek(self, client: str) -> float | None:
        """Return None if one more event of `client` would be allowed, else seconds to wait."""
        now = self._clock()
        with self._lock:
            events = self._events.get(client)
            while events and events[0] <= now - self.window:
                events.popleft()
            if events is None or len(events) < self.limit:
                return None
            return events[0] + self.window - now

    def count(self, client: str) -> None:
        """Count one event of `client`, allowed or not (e.g. a search that found nothing)."""
        now = self._clock()
        with self._lock:
            self._events.setdefault(client, deque()).append(now)
            if len(self._events) > 100_000:
                self._forget_idle(now)

    def forgive(self, client: str) -> None:
        """Take back one counted event of `client` (a try that turned out not to count)."""
        with self._lock:
            events = self._events.get(client)
            if events:
                events.pop()

    def _forget_idle(self, now: float) -> None:
        # Keeps memory bounded when many clients pass by once.
        idle = [c for c, e in self._events.items() if not e or e[-1] <= now - self.window]
        for client in idle:
            del self._events[client]
