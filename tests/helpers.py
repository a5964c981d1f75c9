"""Small builders for tests: entries, extractions and extractors written by hand."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from worker.config import Settings
from worker.domain import ArticleText, Commitment, Entity, Extraction, FeedEntry, Mention
from worker.feeds.sources import FeedSources
from worker.intake.poller import Poller
from worker.outbound.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from worker.pipeline.dispatch import Dispatch
from worker.pipeline.results import save_results
from worker.queue.dispatch import QueueDispatch
from worker.runtime.wiring import Runtime
from worker.store.articles import load_article
from worker.store.db import Session, Sessions

TEXT = "The United Kingdom will impose sanctions on Russia. Talks resume on Monday."


def entry(key: str, text: str = TEXT, title: str = "A title") -> FeedEntry:
    digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    return FeedEntry(
        key, title, f"https://news.test/{key}", text, datetime(2025, 3, 15, tzinfo=UTC), digest
    )


def extraction(version: str = "test-1") -> Extraction:
    """An extraction of ``TEXT``: two entities, their mentions, one commitment."""
    uk = Entity("gpe:gb", "United Kingdom", "GPE", "Q145")
    ru = Entity("gpe:ru", "Russia", "GPE", "Q159")
    sentence = TEXT.split(". ")[0] + "."
    return Extraction(
        extractor_version=version,
        entities=(uk, ru),
        mentions=(Mention("gpe:gb", 4, 18, "United Kingdom"), Mention("gpe:ru", 44, 50, "Russia")),
        commitments=(
            Commitment("sanctions", "pledged", "gpe:gb", "gpe:ru", sentence, 0, len(sentence), 0.9),
        ),
    )


@dataclass
class ScriptedExtractor:
    """Returns ``extraction()``, or raises the next scripted error; counts its calls."""

    errors: list[Exception] = field(default_factory=list)
    version: str = "test-1"
    calls: int = 0

    def extract(self, article: ArticleText) -> Extraction:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return extraction(self.version)

    def extract_many(self, articles: Iterable[ArticleText]) -> Iterator[Extraction]:
        return (self.extract(a) for a in articles)


def wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` passes: for work done by other processes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def worker_env(database_url: str, redis_url: str, queue: str, **extra: str) -> dict[str, str]:
    """The environment of a service process under test: no developer overrides, no config file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMITWATCH_")}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        COMMITWATCH_QUEUE__NAME=queue,
        COMMITWATCH_EXTRACT__NAME="minimal",
        COMMITWATCH_CONFIG=os.devnull,
    )
    env.update(extra)
    return env


def start_worker(
    env: dict[str, str],
    concurrency: int = 2,
    *,
    new_session: bool = False,
    log: IO[bytes] | None = None,
) -> subprocess.Popen[bytes]:
    """``commitwatch worker`` as a real process, its log captured for failure messages.

    ``new_session`` puts it in its own process group, so a test can kill it with its pool;
    ``log`` takes its output instead of a pipe, which a long, chatty run could fill.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "worker", "worker", "--concurrency", str(concurrency)],
        env=env,
        stdout=log or subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=new_session,
    )


def worker_output(proc: subprocess.Popen[bytes]) -> str:
    """The process's log, for a failure message (stops it first if needed)."""
    if proc.poll() is None:
        proc.kill()
    out, _ = proc.communicate(timeout=30)
    return out.decode(errors="replace")[-4000:]


@contextmanager
def polling(
    settings: Settings, sessions: Sessions, dispatch: Dispatch | None, **kwargs: Any
) -> Iterator[Poller]:
    """A poller on ``sessions`` built as the runtime builds one, its HTTP client closed after."""
    with FeedSources(settings.fetch) as sources:
        yield Poller(
            settings.poll,
            sessions,
            sources,
            dispatch,
            max_article_chars=settings.extract.max_article_chars,
            **kwargs,
        )


def queue_dispatch(settings: Settings) -> QueueDispatch:
    """The deployed ``Dispatch``: publishing to the Celery queue that ``settings`` name."""
    return QueueDispatch(Runtime(settings).celery)


def store_results(session: Session, article_id: int, result: Extraction) -> int:
    """Replace a stored article's results as the processor does; the events staged."""
    article = load_article(session, article_id, lock=True)
    assert article is not None, f"no article {article_id}"
    return save_results(session, article, result)


WEBHOOK_SECRET = "test-secret"


def event_json(n: int) -> str:
    """A commitment-event/1 message, as the relay puts it in the stream's ``data`` field."""
    return json.dumps(
        {
            "schema": "commitwatch.commitment-event/1",
            "event_id": f"event-{n}",
            "type": "commitment.created",
            "occurred_at": "2026-11-25T09:00:00Z",
            "commitment": {
                "key": f"k{n}",
                "type": "sanctions",
                "status": "pledged",
                "actor": "gpe:gb",
                "target": "gpe:ru",
                "sentence": "The UK will impose sanctions.",
                "start": 0,
                "end": 29,
                "confidence": 0.9,
                "extractor_version": "rules-1",
            },
            "entities": [],
            "article": {
                "id": n,
                "url": None,
                "title": "t",
                "published_at": None,
                "content_hash": "h",
            },
            "source": {"kind": "submission", "name": "wire", "source_id": str(n)},
        }
    )


class Receiver:
    """A webhook receiver: answers the scripted statuses (then 200), keeps what it accepted.

    A request whose signature does not verify is answered 401 and never accepted.
    """

    def __init__(self, statuses: list[int]) -> None:
        self.statuses, self.calls = statuses, 0
        self.accepted: list[str] = []

    def answer(self, body: bytes, headers: Mapping[str, str]) -> int:
        self.calls += 1
        status = self.statuses.pop(0) if self.statuses else 200
        timestamp, signature = headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER]
        signed = verify(WEBHOOK_SECRET.encode(), timestamp, body, signature)
        if status == 200 and signed:
            self.accepted.append(json.loads(body)["event_id"])
        return status if signed else 401
