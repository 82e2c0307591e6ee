"""The per-name miss limit counts misses only, and concurrent searches cannot slip past it."""

from __future__ import annotations

import asyncio

from musterroll.web.ratelimit import NameMisses, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_sliding_window_forgets_old_events() -> None:
    clock = Clock()
    limiter = RateLimiter(2, window=60.0, clock=clock)
    assert limiter.hit("a") is None and limiter.hit("a") is None
    assert limiter.hit("a") == 60.0 and limiter.recent("a") == 2
    clock.now = 61.0
    assert limiter.recent("a") == 0 and limiter.hit("a") is None


def test_searches_that_find_never_lock_a_name() -> None:
    async def play() -> list[bool]:
        guard = NameMisses(3, window=3600.0, clock=Clock())
        let_in = []
        for _ in range(10):  # ten families one after another, all finding their relative
            let_in.append(await guard.enter("шевченко тарас"))
            guard.leave("шевченко тарас", missed=False)
        return let_in

    assert asyncio.run(play()) == [True] * 10


def test_running_searches_hold_a_place_so_concurrent_guesses_cannot_pass() -> None:
    async def play() -> tuple[list[bool], bool, bool, bool]:
        guard = NameMisses(3, window=3600.0, clock=Clock())
        first = [await guard.enter("n") for _ in range(3)]
        fourth = asyncio.ensure_future(guard.enter("n"))
        await asyncio.sleep(0.05)
        waiting = not fourth.done()  # three running may all miss: the fourth waits
        guard.leave("n", missed=False)  # one found: its place is free again
        let_in = await asyncio.wait_for(fourth, 1.0)
        for _ in range(3):
            guard.leave("n", missed=True)
        locked = not await guard.enter("n")  # three misses: only the report form answers
        return first, waiting, let_in, locked

    first, waiting, let_in, locked = asyncio.run(play())
    assert first == [True, True, True]
    assert waiting and let_in and locked


def test_misses_lock_one_name_for_the_window_only() -> None:
    clock = Clock()

    async def misses(name: str, count: int) -> None:
        for _ in range(count):
            assert await guard.enter(name)
            guard.leave(name, missed=True)

    guard = NameMisses(2, window=3600.0, clock=clock)
    asyncio.run(misses("a", 2))
    assert not asyncio.run(guard.enter("a"))
    assert asyncio.run(guard.enter("b"))  # another name still answers
    clock.now = 3601.0
    assert asyncio.run(guard.enter("a"))
