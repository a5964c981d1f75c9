"""Taking in an article submitted by another system: validate, store once, or reject.

The ``commitwatch.submit_article`` task calls ``submit``, and the in-process dispatch
(``commitwatch submit --inline``) calls ``accept`` on what the command line validated;
neither adds logic of its own. A message that breaks the schema is not retried
(it would break it again): it is recorded in ``rejected_submissions`` with the reason.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from worker.domain import utcnow
from worker.errors import InvalidArticleError, StoreConflictError
from worker.messages import ArticleSubmission, parse_submission
from worker.store.db import Sessions, conflict_as_error, outage_as_unavailable
from worker.store.submissions import Intake, IntakeResult, record_rejection, store_submission

log = logging.getLogger(__name__)


def submit(sessions: Sessions, payload: Any, *, max_chars: int) -> IntakeResult:
    """Store or reject one message; raises ``StoreUnavailableError`` only when the DB is down."""
    try:
        submission = parse_submission(payload)
    except InvalidArticleError as exc:
        return reject(sessions, payload, str(exc))
    return accept(sessions, submission, max_chars=max_chars)


def accept(sessions: Sessions, submission: ArticleSubmission, *, max_chars: int) -> IntakeResult:
    """Store an already validated submission, or recognise it as a duplicate."""
    with outage_as_unavailable():
        try:
            result = _store(sessions, submission, max_chars)
        except StoreConflictError:
            # The same article submitted twice at once: the other insert won; look again.
            result = _store(sessions, submission, max_chars)
    log.info(
        "submission %s/%s: %s (article %s)",
        submission.source,
        submission.key,
        result.outcome,
        result.article_id,
    )
    return result


def _store(sessions: Sessions, submission: ArticleSubmission, max_chars: int) -> IntakeResult:
    with conflict_as_error(), sessions.begin() as session:
        return store_submission(session, submission, now=utcnow(), max_chars=max_chars)


def reject(sessions: Sessions, payload: Any, reason: str) -> IntakeResult:
    """Record a message that cannot be taken in, with the reason; it is not retried."""
    with outage_as_unavailable(), sessions.begin() as session:
        record_rejection(
            session, source=_claimed_source(payload), reason=reason, payload=_text(payload)
        )
    log.warning("submission rejected: %s", reason)
    return IntakeResult(Intake.REJECTED, reason=reason)


def _claimed_source(payload: Any) -> str | None:
    if isinstance(payload, dict) and isinstance(payload.get("source"), str):
        return str(payload["source"])
    return None


def _text(payload: Any) -> str:
    if isinstance(payload, bytes):
        return payload.decode("utf-8", errors="replace")
    if isinstance(payload, str):
        return payload
    try:
        return json.dumps(payload, ensure_ascii=False, default=repr)
    except ValueError:  # e.g. a circular structure
        return repr(payload)
