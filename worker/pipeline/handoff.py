"""Handing stored articles on through a ``Dispatch``: after their commit, remembering when.

Sending happens only after the articles are committed (a worker must find them), and the
time is recorded only after sending succeeded: an article whose message never left stays
"never enqueued", and the daemon's stale sweep sends it again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from worker.pipeline.dispatch import Dispatch
from worker.store import articles as article_store
from worker.store.db import Sessions

log = logging.getLogger(__name__)


def hand_off(
    sessions: Sessions,
    dispatch: Dispatch,
    article_ids: Sequence[int],
    now: datetime,
) -> bool:
    """Enqueue committed articles; False (they stay pending for the sweep) if the queue is down."""
    if not article_ids:
        return True
    try:
        dispatch.articles(article_ids)
    except Exception as exc:
        log.warning("could not enqueue %d articles (kept pending): %s", len(article_ids), exc)
        return False
    with sessions.begin() as session:
        article_store.mark_enqueued(session, article_ids, now)
    return True
