"""Building the adapters from the settings: the one place where configuration meets I/O."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from worker.config import Settings
from worker.feeds.fetch import USER_AGENT, FetchSettings


def fetch_settings(settings: Settings) -> FetchSettings:
    """HTTP fetching limits from the ``[fetch]`` section."""
    fetch = settings.fetch
    return FetchSettings(
        connect_timeout=fetch.connect_timeout,
        read_timeout=fetch.read_timeout,
        deadline=fetch.deadline_seconds,
        max_body_bytes=fetch.max_body_bytes,
        max_redirects=fetch.max_redirects,
        user_agent=fetch.user_agent or USER_AGENT,
        allow_private_networks=fetch.allow_private_networks,
    )


def celery_enqueue(settings: Settings) -> Callable[[Sequence[int]], None]:
    """An ``enqueue`` function that publishes article ids to the Celery queue."""
    from worker.queue.app import create_app
    from worker.queue.tasks import enqueue_articles

    app = create_app(settings)

    def enqueue(article_ids: Sequence[int]) -> None:
        enqueue_articles(app, article_ids)

    return enqueue
