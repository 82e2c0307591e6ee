"""Per-client rate limiting of family searches: a sliding window in memory.

The same window counts other things than clients: the searches of one browser session,
and (``NameMisses``) the searches of one name that found nothing. The clock is injectable
so that tests can play a day of requests in no time.

One process serves the app (uvicorn, one worker), so a dictionary is enough; with several
workers each would count on its own and the limit would multiply (a shared store is then
needed: noted in the web README).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Callable

__all__ = ["NameMisses", "RateLimiter"]


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

    def recent(self, client: str) -> int:
        """How many events of `client` lie in the window now (counts nothing)."""
        now = self._clock()
        with self._lock:
            events = self._events.get(client)
            while events and events[0] <= now - self.window:
                events.popleft()
            return len(events) if events else 0

    def _forget_idle(self, now: float) -> None:
        # Keeps memory bounded when many clients pass by once.
        idle = [c for c, e in self._events.items() if not e or e[-1] <= now - self.window]
        for client in idle:
            del self._events[client]


class NameMisses:
    """At most `limit` searches of a name that find nothing, per window; hits are free.

    A search is let in only while the misses so far plus the searches of that name still
    running stay under the limit, since each running one may turn out a miss: concurrent
    guesses cannot slip past. A search past that waits for a running one to end, and is
    refused only once the misses alone reach the limit, so a name many families search
    at once is never locked by searches that found it.
    """

    def __init__(self, limit: int, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.misses = RateLimiter(limit, window, clock)
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()  # a test client may run several event loops

    async def enter(self, name: str, poll: float = 0.005) -> bool:
        """Wait for a free place to search `name`; False when its misses lock it."""
        while True:
            with self._lock:
                misses = self.misses.recent(name)
                if misses >= self.misses.limit:
                    return False
                running = self._running.get(name, 0)
                if misses + running < self.misses.limit:
                    self._running[name] = running + 1
                    return True
            await asyncio.sleep(poll)  # a running search of this name ends within ms

    def leave(self, name: str, *, missed: bool) -> None:
        """End a search of `name` let in by `enter`; count it if it found nothing."""
        with self._lock:
            running = self._running.pop(name, 1) - 1
            if running:
                self._running[name] = running
            if missed:
                self.misses.hit(name)
