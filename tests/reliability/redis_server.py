"""A Redis server of the test's own, which a test can restart: a broker outage."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import redis

from tests.helpers import wait_for


@dataclass
class PrivateRedis:
    """``redis-server`` on a free port; persisted like docker-compose's, or not at all."""

    args: list[str]
    url: str
    proc: subprocess.Popen[bytes] | None = None

    @classmethod
    def build(cls, binary: str, data: Path, *, persistent: bool) -> PrivateRedis:
        port = _free_port()
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if persistent else []
        args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data)]
        args += [*persistence, "--save", "", "--maxmemory-policy", "noeviction"]
        return cls(args, f"redis://127.0.0.1:{port}/0")

    def start(self) -> None:
        self.proc = subprocess.Popen(
            self.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        with _client(self.url) as client:
            assert wait_for(lambda: _pings(client), timeout=20), "private redis did not start"

    def restart(self) -> None:
        """SHUTDOWN (which writes the append-only file, if any), then start again."""
        with _client(self.url) as client, contextlib.suppress(redis.ConnectionError):
            client.shutdown()
        assert self.proc is not None
        self.proc.wait(timeout=30)
        self.start()

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def state(self, queue: str) -> str:
        """What the broker holds, for failure messages: waiting and unacked messages."""
        try:
            with _client(self.url) as client:
                unacked = client.zrange("unacked_index", 0, -1, withscores=True)
                ages = [round(time.time() - since, 1) for _, since in unacked]
                return f"{queue}: {client.llen(queue)} waiting; unacked for {ages} s"
        except redis.RedisError as exc:
            return f"broker state unavailable: {exc!r}"

    def queue_length(self, queue: str) -> int:
        with _client(self.url) as client:
            return int(client.llen(queue))

    def drained(self, queue: str) -> bool:
        """Nothing waits in ``queue`` and no delivered message is still unacked."""
        with _client(self.url) as client:
            return client.llen(queue) == 0 and client.hlen("unacked") == 0


@contextlib.contextmanager
def _client(url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(url, socket_timeout=10)
    try:
        yield client
    finally:
        client.close()


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
