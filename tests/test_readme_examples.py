"""The README's consumer example runs as written against the real Redis (docs that work)."""

from __future__ import annotations

import json
import re

import pytest
import redis

from tests.conftest import ROOT


def readme_block(marker: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    [block] = [b for b in blocks if marker in b]
    return block


@pytest.mark.redis
def test_readme_consumer_example_reads_and_acknowledges_events(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    for n in range(3):
        client.xadd("commitwatch:commitments", {"data": json.dumps({"event_id": f"e{n}"})})
    code = readme_block("xautoclaim")
    # Bounded and pointed at the test database; otherwise exactly the README's code.
    code = code.replace("redis.Redis()", "redis.Redis.from_url(REDIS_URL)")
    code = code.replace("while True:", "for _ in range(2):").replace("block=5000", "block=100")
    handled: list[dict[str, str]] = []
    exec(code, {"handle": handled.append, "REDIS_URL": redis_url})
    assert [event["event_id"] for event in handled] == ["e0", "e1", "e2"]
    assert client.xpending("commitwatch:commitments", "my-app")["pending"] == 0
