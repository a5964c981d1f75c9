"""Hostile article texts through the processor with the real extractor: each ends done, with
spans that point into the stored text, or dead-lettered with a clear reason; nothing raises."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from tests.helpers import entry
from worker.extract import Extractor, load_extractor
from worker.pipeline.processor import Outcome, process_article
from worker.store.articles import save_entries
from worker.store.db import Sessions
from worker.store.feeds import add_feed
from worker.store.models import Article, Commitment, Mention

pytestmark = pytest.mark.slow

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SENTENCE = "The United Kingdom will impose new sanctions on Russia, Keir Starmer said. "
JUNK = bytes(random.Random(7).randrange(256) for _ in range(5000)).decode("latin-1")

TEXTS = {
    "empty": "",
    "whitespace": " \n\t \u00a0 \n",
    "binary junk": JUNK,
    "control characters": "\x00\x01\x02 sanctions \x1b[31m on Russia \x7f" * 50,
    "huge": SENTENCE * 3000,  # about 230,000 characters, capped when stored
    "one endless sentence": "and sanctions on Russia " * 8000,
    "mixed languages": SENTENCE + "Россия ввела санкции против Украины. 俄罗斯宣布停火。"
    "Die EU verhängt Sanktionen gegen Russland. " + SENTENCE,
    "markup left in text": "<script>alert(1)</script><b>" + SENTENCE + "</b>&amp;&lt;",
    "right-to-left and emoji": "🇺🇦🕊️ " + SENTENCE + " \u202eالعقوبات على روسيا\u202c",
}


@pytest.fixture(scope="module")
def rules() -> Extractor:
    return load_extractor("rules")


@pytest.mark.parametrize("name", list(TEXTS))
def test_hostile_article_text_is_processed_or_dead_lettered_cleanly(
    sqlite_url: str, rules: Extractor, name: str
) -> None:
    from worker.store.db import make_engine, make_sessions

    engine = make_engine(sqlite_url)
    sessions: Sessions = make_sessions(engine)
    max_chars = 200_000
    with sessions.begin() as session:
        feed, _ = add_feed(session, "https://news.test/hostile")
        [article_id] = save_entries(
            session, feed.id, [entry("x", text=TEXTS[name])], now=NOW, max_chars=max_chars
        )

    result = process_article(sessions, rules, article_id, max_attempts=3)

    assert result.outcome in (Outcome.DONE, Outcome.DEAD), result
    with sessions() as session:
        article = session.get_one(Article, article_id)
        assert len(article.text) <= max_chars
        if result.outcome is Outcome.DEAD:
            assert "ExtractionError" in (result.error or "")
        for row in session.query(Commitment).filter_by(article_id=article_id):
            assert article.text[row.start : row.end] == row.sentence
        for row in session.query(Mention).filter_by(article_id=article_id):
            assert article.text[row.start : row.end] == row.text
    engine.dispose()
