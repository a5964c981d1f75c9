"""Entities: the statistical NER for names no list knows, curated aliases in front of it.

An entity ruler placed before ``ner`` fixes what the small model gets wrong on this news
("Zelenskyy", "Nato", "Twitter /X", "Downing Street"); the model still finds the people and
places no list knows. Spans are then clustered per article: one entity per real-world thing, so
"Sir Keir", "Mr Starmer" and "Keir Starmer" share a key, and "Britain" and "UK" are ``gpe:gb``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
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
# Last words that make a capitalised phrase an organisation ("... Security Council").
_ORG_HEAD = (
    r"(?:Council|Commission|Committee|Agency|Department|Ministry|Office|Bureau|Services?|Fund|"
    r"Bank|Court|Forum|Group|Mission|Assembly|Parliament|Union|Alliance|Coalition|Initiative|"
    r"Organi[sz]ation|Institute|Authority|Board|Corporation|Company|Party|Forces|Army|Navy|"
    r"Guard|Platform|Team|Cent(?:re|er)|Association|Federation|Front|Secretariat|Directorate|"
    r"Command|Tribunal|Government|Task Force|Embassy|Division|Brigade|Regiment|Battalion|Corps|"
    r"Fleet|Military District)"
)
_WORD = r"[A-Z][\w’'.-]*"
# Capitalised words ending in an org head right after a name: "UN| Security Council".
_HEAD_TAIL = re.compile(rf" (?:{_WORD} ){{0,3}}{_ORG_HEAD}\b")
# "of", "for" or "on" and a capitalised name after an org head: "Council| of Europe",
# "Agency| for International Development"; "and" only inside a name ("Health and Human").
_OF_TAIL = re.compile(
    rf" (?:of|for|on|in)(?: the)? {_WORD}(?: (?:of |for |of the |and (?=[A-Z][a-z]))?{_WORD})*"
)
_OF_NAME = re.compile(r" of (?:the )?[A-Z]")
# A region named after its city, or a republic: "Bryansk region", "Donetsk People’s Republic".
_REGION_TAIL = re.compile(
    r" (?:region|Oblast|oblast|district|Republic|People[’']s Republic|[Pp]rovince|[Kk]rai)\b"
)
# Place-name endings of the war's towns and villages the model reads as people or bodies.
_TOPONYM = re.compile(
    r"(?:Novo|Staro|Velyko|Krasno|Krasnyi |Nova |Stara |Velyka )?[A-Z][a-z’'-]+"
    r"(?:ivka|yivka|ovka|ivske|ivsk|ske|sk|hrad|grad|opil|ovo|evo|yne|ove|eve)"
)
# Two words the model reads as an organisation that are a person ("Tatyana Stanovaya").
_SLAVIC_PERSON = re.compile(
    r"[A-Z][a-z]+ [A-Z][a-z]+(?:ov|ova|ev|eva|in|ina|uk|yuk|enko|ski|ska|ich|vich|aya|iy|yi)"
)
_ORDINAL_BEFORE = re.compile(r"\b\d+(?:st|nd|rd|th) $")
_HYPHEN_CHAIN = re.compile(r"(?<![\w.-])[A-Z][\w.]*(?:-[A-Z][\w.]*)+(?![\w-])")
_CHAIN_ABBREVIATIONS = frozenset({"US", "U.S", "UK", "ROK", "UAE", "DPRK", "PRC"})
_REMIT_HEADS = frozenset({"Mission", "Commission", "Committee", "Group", "Team", "Embassy"})
# Words before a span that make it the end of a title ("Secretary of| State for Political ...").
_TITLE_OF = re.compile(
    r"\b(?:Secretary|Minister|Director|Administrator|Head|Chief|Commissioner|Coordinator|"
    r"Officer|Representative|Envoy|Ambassador|Adviser|Advisor)(?:[ -]General)? (?:of|for)"
    r"(?: the)? $"
)
_HAS_HEAD = re.compile(rf"\b{_ORG_HEAD}\b")
_ENDS_IN_HEAD = re.compile(rf"\b{_ORG_HEAD}$")
_NOT_A_NAME = frozenset(
    {
        *("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        *("January", "February", "March", "April", "May", "June", "July", "August"),
        *("September", "October", "November", "December"),
    }
)
_GOVERNMENT = re.compile(r"(?:Government of (?:the )?(?P<of>.+)|(?P<adj>.+?) [Gg]overnment)")
# Capitalised words a person's title may start with ("Deputy Secretary", "Vice President").
_TITLE_PREFIX = r"(?:(?:Deputy|Vice|Under|Assistant|Acting|First|Principal Deputy) )?"
# A single word the model calls an organisation after these is a village or town ("near Marinka").
_LOCATIVE = re.compile(r"\b(?:in|near|around|outside|towards?|into)\s$")
_INNER_POSSESSIVE = re.compile(r"['’]s ")
_POSSESSIVE = re.compile(r"['’]s?\b")
# Courtesy titles before a name that are no part of it ("His Majesty King Abdullah").
_COURTESY = re.compile(r"(?:(?:His|Her) )?(?:Majesty|Excellency|Highness|H\.E\.) ")
# Single words the model calls a person that name companies ("Promsvyazbank", "Surgutneftegas").
_COMPANY_WORD = re.compile(r"\w+(?:bank|neft\w*|gaz|gas|prom|com|tech)", re.I)
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


@dataclass(frozen=True, slots=True)
class _Raw:
    """A span as the ruler or the model gave it, before names are made whole."""

    start: int
    end: int
    label: str
    ent_id: str
    parent: str | None = None


# Labels of a span that may begin an organisation's name ("UN", "Israeli", "Presidential ...").
_ORG_STARTS = frozenset({"ORG", "GPE", "NORP", "LOC"})
_CAPITALISED_BEFORE = re.compile(r"(?<![\w’'.-])((?:[A-Z][\w’'.-]* ){1,3})$")


def _named(tail: re.Match[str], head: str) -> bool:
    """An "of/for/on/in" tail that names something: not a date, two words after "for"/"on"
    unless a body with a remit ("Committee on Peacekeeping", "Mission in Ukraine")."""
    words = tail.group().split()
    connector, rest = words[0], [w for w in words[1:] if w[0].isupper()]
    if rest[0] in _NOT_A_NAME:
        return False
    if connector in ("on", "in") and head in _REMIT_HEADS:
        return True
    return connector == "of" or (connector != "in" and (words[1] == "the" or len(rest) >= 2))


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


def _with_chained_countries(text: str, raws: list[_Raw]) -> list[_Raw]:
    """Countries joined by hyphens are a list ("Japan-Australia-India-U.S."): each is a GPE,
    and the model's span over part of the chain gives way to them."""
    parts: list[_Raw] = []
    for chain in _HYPHEN_CHAIN.finditer(text):
        found = [
            _Raw(chain.start() + m.start(), chain.start() + m.end(), "GPE", "")
            for m in re.finditer(r"[^-]+", chain.group())
        ]
        if all(country(text[p.start : p.end], _CHAIN_ABBREVIATIONS) for p in found):
            parts += found
    if not parts:
        return raws
    kept = [r for r in raws if not any(r.start < p.end and p.start < r.end for p in parts)]
    return sorted(kept + parts, key=lambda r: r.start)


def _widened(text: str, raw: _Raw) -> _Raw:
    """A unit with its ordinal ("20th| Combined Arms Army"), a region with its word
    ("Bryansk| region"); a country keeps its own name."""
    ordinal = _ORDINAL_BEFORE.search(text, max(0, raw.start - 8), raw.start)
    if ordinal is not None and raw.label == "ORG" and _ENDS_IN_HEAD.search(text, 0, raw.end):
        return _Raw(ordinal.start(), raw.end, raw.label, raw.ent_id)
    region = _REGION_TAIL.match(text, raw.end) if raw.label in ("GPE", "LOC") else None
    if region is not None and country(text[raw.start : raw.end]) is None:
        # "Donbas region" is Donbas; "Donetsk People’s Republic" is not the city of Donetsk.
        kept = raw.ent_id if region.group().strip() in ("region", "district") else ""
        return _Raw(raw.start, region.end(), raw.label, kept)
    return raw


def _line_end(text: str, ent: Any) -> int:
    """A name never runs across a line break ("Hotel Masseria San Domenico\nFasano")."""
    newline = text.find("\n", ent.start_char, ent.end_char)
    return ent.end_char if newline < 0 else newline


def _person_part(text: str, start: int, end: int) -> tuple[int, int]:
    """The name in a person span: no courtesy title, and one side of a possessive
    ("Venezuela’s| Nicolas Maduro", "Sullivan|’s Call")."""
    courtesy = _COURTESY.match(text, start, end)
    if courtesy is not None:
        start = courtesy.end()
    possessive = _INNER_POSSESSIVE.search(text, start, end)
    if possessive is not None:
        after = text[possessive.end() : end]
        if " " in after.strip():
            return possessive.end(), end
        return start, possessive.start()
    return start, end


class EntityResolver:
    """Turns a processed ``Doc`` into canonical entities; built once per extractor."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._by_key = {e.key: e for e in lexicon.entities}
        self._by_alias = {a: e for e in lexicon.entities for a in (e.name, *e.aliases)}
        self._titles = Roles(lexicon)
        titles = sorted({*lexicon.honorifics, *lexicon.roles}, key=len, reverse=True)
        alternation = "|".join(re.escape(t) for t in titles)
        self._title_before = re.compile(
            rf"(?<![\w.]){_TITLE_PREFIX}(?:{alternation})\s$", re.IGNORECASE
        )

    def resolve(self, text: str, doc: Doc) -> ArticleEntities:
        spans, demonyms = self._spans(text, doc)
        spans = self._cluster(text, spans)
        entities, holders = self._entities(text, spans)
        mentions = tuple(self._mention(text, s) for s in spans)
        return ArticleEntities(entities, mentions, tuple(demonyms), holders)

    def _mention(self, text: str, span: Span) -> Mention:
        """A surname with its title is one mention ("Secretary Austin", "President Abbas")."""
        start = span.start
        if span.canonical.type == "PERSON" and " " not in span.text:
            start = self._title_start(text, start) or start
        return Mention(span.canonical.key, start, span.end, text[start : span.end])

    def _title_start(self, text: str, start: int) -> int | None:
        """Where a capitalised title written right before ``start`` begins, if one is."""
        title = self._title_before.search(text, max(0, start - 60), start)
        return title.start() if title is not None and title.group()[0].isupper() else None

    # --- spans ---------------------------------------------------------------------------

    def _canonical(self, surface: str, label: str, ent_id: str) -> Canonical | None:
        key = ent_id.removesuffix(_CONTEXT)
        entry = self._by_key.get(key) or self._by_alias.get(surface)
        if entry is not None:
            return from_entry(entry)
        if label == "GPE" and NATURAL_FEATURES.search(surface):
            return None
        government = _GOVERNMENT.fullmatch(surface) if label == "ORG" else None
        if government is not None:
            state = government.group("of") or government.group("adj")
            found = country(state, self._lexicon.country_abbreviations)
            if found is not None:
                return found  # governments stand for their state (label rules)
        return provisional(surface, label, self._lexicon)

    def _spans(self, text: str, doc: Doc) -> tuple[list[Span], list[tuple[int, int, str]]]:
        spans: list[Span] = []
        demonyms = [(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ == "NORP"]
        starts = {s.start for s in split_sentences(text)}
        # Surnames of people named in full elsewhere are kept even at a sentence start.
        surnames = {e.text.split()[-1] for e in doc.ents if e.label_ == "PERSON" and " " in e.text}
        starts -= {m.start() for name in surnames for m in _occurrences(name, text)}
        excluded = self._excluded_acronyms(text, doc)
        for raw in self._joined(text, doc):
            if raw.label == "NORP":
                continue
            label = _KEPT.get(raw.label) or ("ORG" if raw.ent_id else None)
            if label is None or not self._ruler_ok(raw.ent_id, text):
                continue
            start, end = trim_span(text, raw.start, raw.end)
            if label == "PERSON" and not raw.ent_id:
                start, end = _person_part(text, start, end)
            if raw.label == "ORG" and not raw.ent_id:
                end = _whole_name_end(text, end)
            if label == "GPE" and self._inside_excluded_name(text, start, end):
                continue  # an organisation keeps its name in its documents' ("UN Charter")
            if text[start:end] in excluded:
                continue
            if NATURAL_FEATURES.search(text[start:end]) and _OF_NAME.match(text, end):
                continue  # "Gulf| of Aden": a natural feature, not the region
            if not raw.ent_id:
                label = self._model_label(text, start, end, label, starts)
            canonical = label and self._canonical(text[start:end], label, raw.ent_id)
            if canonical and raw.parent and not canonical.parent and canonical.key != raw.parent:
                canonical = replace(canonical, parent=raw.parent)
            if canonical:
                spans.append(Span(start, end, text[start:end], canonical))
        return spans, demonyms

    def _joined(self, text: str, doc: Doc) -> list[_Raw]:
        """Spans with organisation names made whole.

        The model and the ruler cut long names: "UN" + "Security Council", "U.S. Agency" +
        "International Development", a context alias "Council" inside "Presidential Leadership
        Council". A name that goes on into an org head ("... Council") or, after an org head,
        into "of/for/on" and capitalised words becomes one ORG span; lists ("the EU, NATO and
        the G7") are never joined, as commas and a bare "and" end a name.
        """
        raws = _with_chained_countries(
            text,
            [
                _Raw(*trim_span(text, e.start_char, _line_end(text, e)), e.label_, e.ent_id_)
                for e in doc.ents
            ],
        )
        curated = {r.start for r in raws if r.ent_id and not r.ent_id.endswith(_CONTEXT)}
        result: list[_Raw] = []
        i = 0
        while i < len(raws):
            raw = _widened(text, self._left_extended(text, raws[i], result))
            end = self._org_end(text, raw, curated) if raw.label != "PERSON" else raw.end
            j = i + 1
            while j < len(raws) and raws[j].start < end:
                end = max(end, raws[j].end)
                j += 1
            if end > raw.end:
                entry = self._by_alias.get(text[raw.start : end])
                if entry is not None:
                    raw = _Raw(raw.start, end, entry.type, entry.key)
                else:  # "UN| Security Council", "U.S.| Agency for ...": the body it belongs to
                    raw = _Raw(raw.start, end, "ORG", "", self._owner(text, raw))
            result.append(raw)
            i = j
        return result

    def _owner(self, text: str, raw: _Raw) -> str | None:
        """The key of the state or body a joined name starts with, if the span names one."""
        entry = self._by_key.get(raw.ent_id.removesuffix(_CONTEXT))
        if entry is not None and entry.type == "ORG":
            return entry.key
        name = entry.name if entry is not None else text[raw.start : raw.end]
        found = country(name, self._lexicon.country_abbreviations)
        return found.key if found is not None else None  # a state, never a region

    def _left_extended(self, text: str, raw: _Raw, before: list[_Raw]) -> _Raw:
        """A context alias after capitalised words ends another name ("Security Council")."""
        if not raw.ent_id.endswith(_CONTEXT):
            return raw
        words = _CAPITALISED_BEFORE.search(text, max(0, raw.start - 80), raw.start)
        if words is None or words.group(1) in ("The", "THE"):
            return raw
        start = words.start(1)
        if before and before[-1].end > start:
            return raw  # the words belong to a span already kept; _org_end joins them
        entry = self._by_alias.get(text[start : raw.end])
        return _Raw(start, raw.end, "ORG", entry.key if entry is not None else "")

    def _org_end(self, text: str, raw: _Raw, curated: set[int]) -> int:
        end = raw.end
        complete = bool(raw.ent_id) and not raw.ent_id.endswith(_CONTEXT)
        for _ in range(3):
            tail = _HEAD_TAIL.match(text, end)
            if tail and tail.start() + 1 not in curated and raw.label in _ORG_STARTS:
                end, complete = tail.end(), False
                continue
            of = _OF_TAIL.match(text, end)
            head = _ENDS_IN_HEAD.search(text, raw.start, end)
            if of and not complete and head and _named(of, head.group()):
                end = of.end()
                continue
            break
        return end

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
        if self._titles.begins(text, start, end):
            return None  # the first words of a title: "National Security| Advisor"
        if (
            label != "GPE"
            and _TITLE_OF.search(text, max(0, start - 40), start)
            and not _HAS_HEAD.search(surface)  # "Head of the| Office of the President"
        ):
            return None  # "Director of| National Intelligence", "Secretary of| State for ..."
        if (
            label != "PERSON"
            and self._titles.follows(text, end)
            and not _ENDS_IN_HEAD.search(surface)  # "Presidential Leadership Council| President"
            and country(surface, self._lexicon.country_abbreviations) is None  # "UK| Prime ..."
        ):
            return None  # the first words of a title: "European Economic| Commissioner"
        if label in ("ORG", "PERSON") and _TOPONYM.fullmatch(surface):
            return "GPE"  # "Novopavlivka", "Komsomolske", "Kramatorsk"
        if label == "ORG" and _SLAVIC_PERSON.fullmatch(surface) and not _HAS_HEAD.search(surface):
            return "PERSON"
        if (
            label in ("ORG", "PERSON")
            and surface.istitle()
            and surface.count(" ") <= 1
            and _LOCATIVE.search(text, max(0, start - 12), start)
            and not _POSSESSIVE.match(text, end)
        ):
            return "GPE"  # "in Makiivka", "near Kryvyi Rih": a place the model does not know
        if label == "PERSON" and (
            _ENDS_IN_HEAD.search(surface) or _COMPANY_WORD.fullmatch(surface)
        ):
            return "ORG"  # "Kahane Chai Front", "Promsvyazbank": the model reads them as people
        if label == "PERSON" and _CAMEL_CASE.fullmatch(surface):
            return "ORG"  # "OpenAI", "BlackRock"; a surname such as "LeCun" re-joins its person
        if label == "GPE" and is_code_like(surface):
            return None if country(surface, self._lexicon.country_abbreviations) is None else label
        return label

    # --- clustering ----------------------------------------------------------------------

    def _cluster(self, text: str, spans: list[Span]) -> list[Span]:
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
            shouted = span.text.isupper() and c.type == "PERSON" and c.key not in self._by_key
            # A transcript's speaker label ("SECRETARY BLINKEN:") is the person named elsewhere.
            surface = span.text.title() if shouted else span.text
            core = person_core(surface, self._lexicon.honorifics)
            single = " " not in core
            if shouted and single and core not in surnames:
                entry = self._by_alias.get(core)
                if entry is not None:
                    c = from_entry(entry)
                elif self._title_start(text, span.start) is not None:
                    c = provisional(core, "PERSON", self._lexicon)  # "MR PRICE:"
                else:
                    continue  # "QUESTION", "COVID": a shouted word, not a name
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
            result.append(Span(s.start, s.end, s.text, replace(c, type=kind)))
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
        parent = (
            entry.parent
            if entry is not None
            else next((s.canonical.parent for s in group if s.canonical.parent), None)
        )
        return Entity(
            key=key, name=name, type=kind, wikidata_id=wikidata, roles=roles, parent_key=parent
        )

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
