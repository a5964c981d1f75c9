"""The learned extractor: the rules' entities and sentences, the trained models' commitments.

Same spaCy pipeline and entity resolution as ``RulesExtractor`` (only its commitment step
differs), so entities are unchanged and the models add microseconds per sentence on top of the
NER. The recorded version names the trained set (``learned-1/<model name>``).
"""

from __future__ import annotations

from pathlib import Path

from worker.domain import ArticleText, Extraction
from worker.errors import ConfigError
from worker.extract.entities import ArticleEntities
from worker.extract.lexicon import DEFAULT_LEXICON_DIR
from worker.extract.rules import RulesExtractor, publisher_of
from worker.extract.sentences import split_sentences
from worker.learn.decide import decide_article
from worker.learn.models import DEFAULT_MODEL_DIR, TrainedModels

VERSION = "learned-1"


def load_models(model_dir: Path) -> TrainedModels:
    if not (model_dir / "card.json").is_file():
        raise ConfigError(
            f"extract.model_dir {str(model_dir)!r} holds no trained models (card.json); "
            "build them with `commitwatch train`"
        )
    return TrainedModels.load(model_dir)


class LearnedExtractor(RulesExtractor):
    """Entities by NER and rules, commitments by the models trained on the labelled corpus."""

    def __init__(
        self,
        model_dir: Path = DEFAULT_MODEL_DIR,
        lexicon_dir: Path | None = DEFAULT_LEXICON_DIR,
    ) -> None:
        self._models = load_models(model_dir)
        super().__init__(lexicon_dir)
        self.version = f"{VERSION}/{self._models.name}" + self.version.removeprefix("rules-1")

    def _extraction(self, article: ArticleText, entities: ArticleEntities) -> Extraction:
        commitments = decide_article(
            self._models,
            self.lexicon,
            entities,
            publisher_of(article.url, self.lexicon),
            split_sentences(article.text),
        )
        return Extraction(
            extractor_version=self.version,
            entities=entities.entities,
            mentions=entities.mentions,
            commitments=tuple(commitments),
        )
