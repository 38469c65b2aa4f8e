"""The Presidio analyzer, French, offline, built once per process on first use.

Nothing heavy happens at import: Presidio and spaCy are imported inside
:func:`get_analyzer`. The spaCy model comes from its installed package
(``fr_core_news_sm``); if it is missing we fail with a clear error instead of
letting Presidio download it. Presidio's e-mail check runs on tldextract's bundled
suffix list (see :class:`registre.scanners.detection.recognizers.OfflineEmailRecognizer`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from registre.catalog.i18n import Text
from registre.scanners.errors import ScanError

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, RecognizerResult

LANGUAGE = "fr"
SPACY_MODEL = "fr_core_news_sm"
#: spaCy batch size for ``nlp.pipe`` (Presidio's own default is 1).
NLP_BATCH_SIZE = 64

# WikiNER labels of the French models, mapped to Presidio entities; ORG and MISC
# are dropped (too noisy, and not personal data as such).
_NER_MAPPING = {"PER": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION", "MISC": "MISC"}
_NER_IGNORED = ["ORGANIZATION", "MISC"]

_lock = threading.Lock()
_analyzer: AnalyzerEngine | None = None

#: Presidio's loggers. Below WARNING they write words of the text analysed (the context
#: enhancer's "Context list is: ...", the decision-process trace): raw cell values.
PRESIDIO_LOGGERS = ("presidio-analyzer", "decision_process")


class WarningsOnly(logging.Filter):
    """Drops every record below WARNING, whatever level the logger is later given."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


def silence_presidio_text() -> None:
    """Keep Presidio's loggers from ever writing analysed text, at any configured level.

    Both a level and a filter: the level (WARNING) spares formatting the records, the
    filter holds even if a logging configuration later sets these loggers to DEBUG
    (``REGISTRE_LOG_LEVEL=DEBUG`` sets the root logger only; a ``dictConfig`` may set more).
    """
    for name in PRESIDIO_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        if not any(isinstance(f, WarningsOnly) for f in logger.filters):
            logger.addFilter(WarningsOnly())


def get_analyzer() -> AnalyzerEngine:
    """The process-wide :class:`AnalyzerEngine` (French spaCy model, Registre recognizers)."""
    global _analyzer
    if _analyzer is None:
        with _lock:
            if _analyzer is None:
                _analyzer = _build_analyzer()
    return _analyzer


def _build_analyzer() -> AnalyzerEngine:
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

    from registre.scanners.detection.recognizers import french_recognizers

    silence_presidio_text()
    if not spacy.util.is_package(SPACY_MODEL):
        raise ScanError(
            Text(
                "spaCy model {model!r} is not installed; install the 'fr-core-news-sm' package "
                "(Registre never downloads models at run time)",
                model=SPACY_MODEL,
            )
        )
    nlp_engine = SpacyNlpEngine(
        models=[{"lang_code": LANGUAGE, "model_name": SPACY_MODEL}],
        ner_model_configuration=NerModelConfiguration(
            model_to_presidio_entity_mapping=_NER_MAPPING,
            labels_to_ignore=_NER_IGNORED,
            low_score_entity_names=[],
        ),
    )
    nlp_engine.load()
    registry = RecognizerRegistry(
        recognizers=french_recognizers(LANGUAGE), supported_languages=[LANGUAGE]
    )
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE])


@dataclass(frozen=True)
class TextBatch:
    """Texts analysed with the same entity list and context words (e.g. one column)."""

    texts: Sequence[str]
    entities: Sequence[str] | None = None
    context: Sequence[str] | None = None


def analyze_batches(
    batches: Sequence[TextBatch],
    *,
    score_threshold: float = 0.0,
    batch_size: int = NLP_BATCH_SIZE,
) -> list[list[list[RecognizerResult]]]:
    """Analyze several groups of texts with one batched ``nlp.pipe`` pass over all of them.

    spaCy runs once over every text (Presidio's BatchAnalyzerEngine defaults to a
    batch size of 1); then each text goes through the recognizers with its group's
    entities and context words (Presidio's context enhancer). Results come back
    grouped and ordered as given.
    """
    flat = [str(text) for batch in batches for text in batch.texts]
    if not flat:
        return [[] for _ in batches]
    analyzer = get_analyzer()
    artifacts = analyzer.nlp_engine.process_batch(flat, language=LANGUAGE, batch_size=batch_size)
    out: list[list[list[RecognizerResult]]] = []
    stream = iter(artifacts)
    for batch in batches:
        group: list[list[RecognizerResult]] = []
        for _ in batch.texts:
            text, nlp_artifacts = next(stream)
            group.append(
                analyzer.analyze(
                    text=str(text),
                    language=LANGUAGE,
                    entities=list(batch.entities) if batch.entities else None,
                    context=list(batch.context) if batch.context else None,
                    score_threshold=score_threshold,
                    nlp_artifacts=nlp_artifacts,
                )
            )
        out.append(group)
    return out


def analyze_texts(
    texts: Sequence[str],
    *,
    entities: Sequence[str] | None = None,
    context: Sequence[str] | None = None,
    score_threshold: float = 0.0,
    batch_size: int = NLP_BATCH_SIZE,
) -> list[list[RecognizerResult]]:
    """Analyze ``texts`` (one :class:`TextBatch`); results in the order of ``texts``."""
    return analyze_batches(
        [TextBatch(texts, entities, context)],
        score_threshold=score_threshold,
        batch_size=batch_size,
    )[0]
