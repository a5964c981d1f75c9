"""Entities: the statistical NER for names no list knows, curated aliases in front of it.

An entity ruler placed before ``ner`` fixes what the small model gets wrong on this news
("Zelenskyy", "Nato", "Twitter /X", "Downing Street"); the model still finds the people and
places no list knows. Spans are then clustered per article: one entity per real-world thing, so
"Sir Keir", "Mr Starmer" and "Keir Starmer" share a key, and "Britain" and "UK" are ``gpe:gb``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from worker.domain import Entity, EntityType, Mention
from worker.extract.canon import (
    NATURAL_FEATURES,
    Canonical,
    acronym,
    country,
    from_entry,
    is_code_like,
    is_place,
    person_core,
    provisional,
    trim_span,
)
from worker.extract.lexicon import Lexicon
from worker.extract.roles import Roles
from worker.extract.sentences import split_sentences

_CONTEXT = "|context"
_AND_NAME = re.compile(
    r" and(?: [A-Z][\w-]*){0,5} (?:Coalition|Initiative|Group|Council|Agency|Organi[sz]ation|"
    r"Committee|Commission|Fund|Bank|Forum|Alliance|Union|Association|Institute|Ministry|"
    r"Department|Office|Service|Party|Corporation|Company)\b"
)
_CAMEL_CASE = re.compile(r"[A-Z][a-z]+(?:[A-Z][A-Za-z]*)+")
_CAPITALISED_TAIL = re.compile(r"(?: [A-Z][\w-]*){1,4}")
_KEPT = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "GPE"}


def ruler_patterns(lexicon: Lexicon) -> list[dict[str, Any]]:
    """Phrase patterns for the entity ruler; context aliases are marked and checked later."""
    patterns: list[dict[str, Any]] = []
    for entry in lexicon.entities:
        patterns += [{"label": entry.type, "pattern": a, "id": entry.key} for a in entry.aliases]
        patterns += [
            {"label": entry.type, "pattern": a, "id": entry.key + _CONTEXT}
            for a in entry.context_aliases
        ]
    return patterns


def add_entity_ruler(nlp: Language, lexicon: Lexicon) -> None:
    ruler = nlp.add_pipe("entity_ruler", before="ner")
    ruler.add_patterns(ruler_patterns(lexicon))  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str
    canonical: Canonical


@dataclass(frozen=True, slots=True)
class ArticleEntities:
    """What the commitment rules need besides the domain values: demonyms and roles."""

    entities: tuple[Entity, ...]
    mentions: tuple[Mention, ...]
    demonyms: tuple[tuple[int, int, str], ...] = ()
    role_holders: dict[str, str] = field(default_factory=dict)

    def entity(self, key: str) -> Entity | None:
        return next((e for e in self.entities if e.key == key), None)


def _tail_end(text: str, end: int) -> int:
    """The end of the capitalised words that follow a span ("Zaporizhzhia| Nuclear Power Plant")."""
    tail = _CAPITALISED_TAIL.match(text, end)
    return tail.end() if tail else end


def _whole_name_end(text: str, end: int) -> int:
    """The model cuts names at "and": extend to "... and Missile Defense Capability Coalition"."""
    rest = _AND_NAME.match(text, end)
    return rest.end() if rest else end


def _occurrences(word: str, text: str) -> list[re.Match[str]]:
    return list(re.finditer(rf"\b{re.escape(word)}\b", text))


def _initial_only(surface: str, text: str, starts: set[int]) -> bool:
    """A lone capitalised word seen only at sentence starts is a heading or common word."""
    if " " in surface or surface.isupper() or _CAMEL_CASE.fullmatch(surface):
        return False  # acronyms and "OpenAI" are names wherever they stand
    found = [m.start() for m in _occurrences(surface, text)]
    return bool(found) and all(
        position in starts or text[position - 1 : position] in "“\"‘'" for position in found
    )


class EntityResolver:
    """Turns a processed ``Doc`` into canonical entities; built once per extractor."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._by_key = {e.key: e for e in lexicon.entities}
        self._by_alias = {a: e for e in lexicon.entities for a in e.aliases}
        self._titles = Roles(lexicon)

    def resolve(self, text: str, doc: Doc) -> ArticleEntities:
        spans, demonyms = self._spans(text, doc)
        spans = self._cluster(spans)
        entities, holders = self._entities(text, spans)
        mentions = tuple(Mention(s.canonical.key, s.start, s.end, s.text) for s in spans)
        return ArticleEntities(entities, mentions, tuple(demonyms), holders)

    # --- spans ---------------------------------------------------------------------------

    def _canonical(self, surface: str, label: str, ent_id: str) -> Canonical | None:
        key = ent_id.removesuffix(_CONTEXT)
        entry = self._by_key.get(key) or self._by_alias.get(surface)
        if entry is not None:
            return from_entry(entry)
        if label == "GPE" and NATURAL_FEATURES.search(surface):
            return None
        return provisional(surface, label, self._lexicon)

    def _spans(self, text: str, doc: Doc) -> tuple[list[Span], list[tuple[int, int, str]]]:
        spans: list[Span] = []
        demonyms: list[tuple[int, int, str]] = []
        starts = {s.start for s in split_sentences(text)}
        # Surnames of people named in full elsewhere are kept even at a sentence start.
        surnames = {e.text.split()[-1] for e in doc.ents if e.label_ == "PERSON" and " " in e.text}
        starts -= {m.start() for name in surnames for m in _occurrences(name, text)}
        excluded = self._excluded_acronyms(text, doc)
        for ent in doc.ents:
            if ent.label_ == "NORP":
                demonyms.append((ent.start_char, ent.end_char, ent.text))
                continue
            label = _KEPT.get(ent.label_) or ("ORG" if ent.ent_id_ else None)
            if label is None or not self._ruler_ok(ent.ent_id_, text):
                continue
            start, end = trim_span(text, ent.start_char, ent.end_char)
            if ent.label_ == "ORG" and not ent.ent_id_:
                end = _whole_name_end(text, end)
            if self._inside_excluded_name(text, start, end) or text[start:end] in excluded:
                continue
            if not ent.ent_id_:
                label = self._model_label(text, start, end, label, starts)
            canonical = label and self._canonical(text[start:end], label, ent.ent_id_)
            if canonical:
                spans.append(Span(start, end, text[start:end], canonical))
        return spans, demonyms

    def _excluded_acronyms(self, text: str, doc: Doc) -> set[str]:
        """Short forms of names left out ("ZNPP" of the nuclear plant) are left out too."""
        names = [text[e.start_char : _tail_end(text, e.end_char)] for e in doc.ents]
        return {acronym(n) for n in names if " " in n and self._is_excluded(n)}

    def _is_excluded(self, name: str) -> bool:
        return any(p.fullmatch(name) for p in self._lexicon.non_entities)

    def _inside_excluded_name(self, text: str, start: int, end: int) -> bool:
        """A place that only names a facility ("Zaporizhzhia Nuclear Power Plant")."""
        tail = _tail_end(text, end)
        return tail > end and self._is_excluded(text[start:tail])

    def _ruler_ok(self, ent_id: str, text: str) -> bool:
        entry = self._by_key.get(ent_id.removesuffix(_CONTEXT))
        if not ent_id.endswith(_CONTEXT) or entry is None:
            return True
        return any(re.search(rf"\b{re.escape(t)}\b", text) for t in entry.context_triggers)

    def _model_label(
        self, text: str, start: int, end: int, label: str, starts: set[int]
    ) -> str | None:
        """The model's label, corrected, or None for spans the label rules leave out."""
        surface = text[start:end]
        if len(surface) < 2 or not any(c.isupper() for c in surface):
            return None
        if any(p.fullmatch(surface) for p in self._lexicon.non_entities):
            return None
        if " " not in surface and is_place(surface):
            return "GPE"
        if self._titles.is_title(surface) or _initial_only(surface, text, starts):
            return None
        if label != "PERSON" and self._titles.follows(text, end):
            return None
        if label == "PERSON" and _CAMEL_CASE.fullmatch(surface):
            return "ORG"  # "OpenAI", "BlackRock"; a surname such as "LeCun" re-joins its person
        if label == "GPE" and is_code_like(surface):
            return None if country(surface, self._lexicon.country_abbreviations) is None else label
        return label

    # --- clustering ----------------------------------------------------------------------

    def _cluster(self, spans: list[Span]) -> list[Span]:
        people = self._full_names(spans)
        surnames = {name.split()[-1]: c for name, c in people.items()}
        orgs = {
            acronym(s.canonical.name): s.canonical
            for s in spans
            if s.canonical.type == "ORG" and " " in s.canonical.name
        }
        result = []
        for span in spans:
            c = span.canonical
            core = person_core(span.text, self._lexicon.honorifics)
            single = " " not in core
            if single and core in surnames and (c.type == "PERSON" or c.key not in self._by_key):
                c = surnames[core]
            elif single and c.type == "PERSON":
                c = self._first_name_match(core, people) or c
            elif c.type == "ORG" and c.key not in self._by_key and span.text in orgs:
                c = orgs[span.text]
            result.append(Span(span.start, span.end, span.text, c))
        return self._majority_type(result)

    def _full_names(self, spans: list[Span]) -> dict[str, Canonical]:
        people: dict[str, Canonical] = {}
        for span in spans:
            c = span.canonical
            if c.type == "PERSON" and " " in c.name:
                people.setdefault(c.name, c)
        return people

    @staticmethod
    def _first_name_match(word: str, people: dict[str, Canonical]) -> Canonical | None:
        found = {c.key: c for n, c in people.items() if n.split()[0] == word}
        return next(iter(found.values())) if len(found) == 1 else None

    @staticmethod
    def _majority_type(spans: list[Span]) -> list[Span]:
        votes: dict[str, Counter[str]] = {}
        for s in spans:
            votes.setdefault(s.canonical.key, Counter())[s.canonical.type] += 1
        result = []
        for s in spans:
            kind = votes[s.canonical.key].most_common(1)[0][0]
            c = s.canonical
            result.append(Span(s.start, s.end, s.text, Canonical(c.key, c.name, kind, c.wikidata)))
        return result

    # --- entities and roles --------------------------------------------------------------

    def _entities(self, text: str, spans: list[Span]) -> tuple[tuple[Entity, ...], dict[str, str]]:
        order: dict[str, list[Span]] = {}
        for span in spans:
            order.setdefault(span.canonical.key, []).append(span)
        holders: dict[str, str] = {}
        entities = []
        for key, group in order.items():
            roles = self._roles(text, group, holders)
            entities.append(self._entity(key, group, roles))
        return tuple(entities), holders

    def _entity(self, key: str, group: list[Span], roles: tuple[str, ...]) -> Entity:
        c = group[0].canonical
        entry = self._by_key.get(key)
        found = country(c.name, self._lexicon.country_abbreviations)
        if entry is not None:
            name, wikidata = entry.name, entry.wikidata
        elif found is not None and found.key == key:
            name, wikidata = found.name, found.wikidata
        else:
            name = max(
                (
                    person_core(s.text, self._lexicon.honorifics) if c.type == "PERSON" else s.text
                    for s in group
                ),
                key=len,
            )
            wikidata = None
        kind: EntityType = c.type  # type: ignore[assignment]
        return Entity(key=key, name=name, type=kind, wikidata_id=wikidata, roles=roles)

    def _roles(self, text: str, group: list[Span], holders: dict[str, str]) -> tuple[str, ...]:
        if group[0].canonical.type != "PERSON":
            return ()
        found = self._titles.around(text, [(s.start, s.end) for s in group])
        entry = self._by_key.get(group[0].canonical.key)
        if entry is not None and entry.role and not found:
            found.append(entry.role)
        for role in found:
            for title in self._titles.titles_of(role):
                holders[title] = group[0].canonical.key
        return tuple(found)
