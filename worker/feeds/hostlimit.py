"""A per-host cap on concurrent fetches, so a thread pool stays polite to each publisher."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from worker.defaults import PER_HOST_CONCURRENCY


class HostLimiter:
    """``with limiter.slot(host): ...`` blocks while ``per_host`` fetches to ``host`` run.

    Semaphores are created on first use and dropped when their host is idle, so polling many
    hosts over months does not grow memory.
    """

    def __init__(self, per_host: int = PER_HOST_CONCURRENCY) -> None:
        if per_host < 1:
            raise ValueError("per_host must be at least 1")
        self.per_host = per_host
        self._lock = threading.Lock()
        self._slots: dict[str, tuple[threading.BoundedSemaphore, list[int]]] = {}

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of ``host``'s slots for the duration of the block."""
        key = host.lower()
        semaphore = self._enter(key)
        semaphore.acquire()
        try:
            yield
        finally:
            semaphore.release()
            self._leave(key)

    def _enter(self, key: str) -> threading.BoundedSemaphore:
        with self._lock:
            semaphore, users = self._slots.setdefault(
                key, (threading.BoundedSemaphore(self.per_host), [0])
            )
            users[0] += 1
            return semaphore

    def _leave(self, key: str) -> None:
        with self._lock:
            _, users = self._slots[key]
            users[0] -= 1
            if users[0] == 0:
                del self._slots[key]
