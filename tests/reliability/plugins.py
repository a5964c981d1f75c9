"""Extractors that misbehave on purpose, plugged into real workers by import path.

``COMMITWATCH_EXTRACT__NAME=tests.reliability.plugins:poison`` and so on. Each wraps the
minimal extractor and reacts to a marker word in the article text, so one batch can mix
healthy and harmful articles.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator

from worker.domain import ArticleText, Extraction
from worker.extract import ExtractorSettings
from worker.extract.minimal import MinimalExtractor

POISON = "POISON-PILL"  # extraction raises every time
CRASH = "CRASH-PILL"  # extraction kills the pool process
SLOW_SECONDS = float(os.environ.get("RELIABILITY_SLOW_SECONDS", "1.0"))


class _Misbehaving(MinimalExtractor):
    def _react(self, article: ArticleText) -> None:
        raise NotImplementedError

    def extract(self, article: ArticleText) -> Extraction:
        self._react(article)
        return super().extract(article)

    def extract_many(self, articles: Iterable[ArticleText]) -> Iterator[Extraction]:
        return (self.extract(a) for a in articles)


class Poison(_Misbehaving):
    def _react(self, article: ArticleText) -> None:
        if POISON in article.text:
            raise RuntimeError("poison pill: this article breaks the extractor")


class Crash(_Misbehaving):
    def _react(self, article: ArticleText) -> None:
        if CRASH in article.text:
            os._exit(13)  # the pool process dies mid-task, as on a segfault or OOM kill


class Slow(_Misbehaving):
    def _react(self, article: ArticleText) -> None:
        time.sleep(SLOW_SECONDS)


def poison(settings: ExtractorSettings) -> Poison:
    return Poison(settings)


def crash(settings: ExtractorSettings) -> Crash:
    return Crash(settings)


def slow(settings: ExtractorSettings) -> Slow:
    return Slow(settings)
