"""Subjects and speakers of a sentence, read from its surface (no parser runs).

A subject is the entity that opens the clause once adverbial openers ("After the meeting,"),
datelines ("MOSCOW, Feb 10 (Reuters) -") and reporting frames ("Reuters reported that") are
skipped; titles and demonyms may precede it ("Italian Prime Minister Giorgia Meloni"). A speaker
is the entity a reporting verb attributes the sentence to. Pronouns, roles ("the PM") and group
descriptions ("the alliance") resolve through the focus the caller keeps.
"""

from __future__ import annotations

import re
from typing import Protocol

from worker.domain import Mention
from worker.extract.cues import OPENER as _OPENER
from worker.extract.entities import ArticleEntities
from worker.extract.lexicon import Lexicon

_PREPOSITIONS = frozenset(
    [
        "on",
        "to",
        "against",
        "in",
        "at",
        "from",
        "with",
        "for",
        "of",
        "between",
        "by",
        "about",
        "into",
        "onto",
        "toward",
        "towards",
        "over",
        "than",
        "including",
        "via",
        "through",
        "within",
        "among",
        "across",
        "under",
        "after",
        "before",
        "upon",
        "like",
        "as",
    ]
)
_DETERMINERS = frozenset(["the", "a", "an", "its", "their", "his", "her", "our"])
_NOT_SELF = re.compile(r"^['’]s\s+(allies|partners|backers|supporters|critics|opponents|enemies)\b")
_DATELINE = re.compile(r"^[A-Z][A-Z .,-]{2,40},?\s[^-–—]{0,40}?\)\s*[-–—]\s*")
# Who a statement was told to is not its subject: "told a Downing Street press conference".
_AUDIENCE = (
    r"(?:\s+(?:a|an|the)?\s*(?:[\w’'-]+\s+){0,4}?(?:press conference|conference|reporters|"
    r"journalists|briefing|lawmakers|parliament|MPs|audience|delegates|broadcaster))?"
)
# A group subject made concrete by examples: "Several Allies – including Canada, ...".
_GROUP_EXAMPLES = re.compile(
    r"(?:[\w-]+\s+){0,3}(?:allies|countries|partners|nations|states|members|governments|"
    r"leaders)\s*[–—,(-]\s*(?:including|such as|led by|among them)\s+",
    re.I,
)
_CLAUSE_LEAD = re.compile(r"[\s,;:–—]*(?:(?:and|but|as|when|while|that|so|whereas)\s+)*", re.I)
_CONJUNCTION = re.compile(r"\W*(and|but|so|yet)\s+", re.I)
_PRELUDE = re.compile(r"^[\s\W]*(?:(?:the|a|an)\s+)?(?:(?:[A-Z][\w.’'-]*|[a-z]+-\w+)\s+){0,5}$")
_PREDICATE = re.compile(
    r"\b(will|would|shall|can|could|may|might|must|should|has|have|had|is|are|was|were|did|"
    r"does|do|agreed|said|says|told|remains?|continues?|intends?|plans?|wants?|\w+ed)\b"
)
_ACCUSED = re.compile(r"\baccus\w*\s+(?:the\s+)?$")
_ACCORDING = re.compile(r"\baccording to\s+(?:the\s+)?$", re.I)


# Characters before a mention that the local rules look at ("according to the", "said").
LOOKBACK = 120


def _window(text: str, end: int) -> str:
    """The text just before ``end``: local rules never need the whole sentence prefix."""
    return text[max(0, end - LOOKBACK) : end]


def _modifies(text: str, offset: int, mention: Mention, cue_at: int) -> bool:
    """The mention stands right before the cued noun: "Crimea sanctions", "Russia's assets"."""
    end = mention.end - offset
    return end <= cue_at and re.fullmatch(r"(?:['’]s)?\s+(?:new\s+)?", text[end:cue_at]) is not None


class FocusLike(Protocol):
    person: str | None
    subject: str | None


class Subjects:
    """Surface rules for subjects and speakers, configured by the lexicon's discourse words."""

    def __init__(self, lexicon: Lexicon, article: ArticleEntities) -> None:
        self._lex = lexicon
        self._article = article
        self._keys = {e.key for e in article.entities}
        self._types = {e.key: e.type for e in article.entities}
        self._first_seen: dict[str, int] = {}
        for m in sorted(article.mentions, key=lambda m: m.start):
            self._first_seen.setdefault(m.entity_key, m.start)
        verbs = lexicon.reporting_verbs
        self._said_after = re.compile(rf"^[\s,]*(?:has |had |also |then |later )*{verbs}\b")
        self._said_before = re.compile(rf"\b{verbs}:?\s+(?:[A-Z][\w’'.-]*\s+|\w+['’]s\s+){{0,5}}$")
        self._frame = re.compile(
            rf"(?P<np>[^“\"]{{1,90}}?)\s+(?:has\s+|had\s+|also\s+|then\s+)*"
            rf"(?:{verbs}|reported|confirmed|indicated|suggest|suggests|believes?)\b{_AUDIENCE}"
            rf"(?:\s+(?:on|in|at|last|this)\s+\w+)?(?:\s+that)?\s+"
        )
        self._pronoun_said = re.compile(rf"\b(he|she|it)\s+(?:has\s+|had\s+|also\s+)*{verbs}\b")
        self._heads = "|".join(re.escape(n) for n in sorted(lexicon.agent_nouns, key=len)[::-1])

    # --- speakers ------------------------------------------------------------------------

    def speaker(
        self, text: str, offset: int, mentions: list[Mention], focus: FocusLike
    ) -> tuple[str | None, Mention | None]:
        for mention in mentions:
            before = _window(text, mention.start - offset)
            after = text[mention.end - offset :]
            if self._said_after.match(after) and not self._governed(before):
                return mention.entity_key, mention
            gpe = self._types.get(mention.entity_key) == "GPE"
            if not gpe and (self._said_before.search(before) or _ACCORDING.search(before)):
                return mention.entity_key, mention
        pronoun = self._pronoun_said.search(text)
        if pronoun:
            return (focus.subject if pronoun.group(1) == "it" else focus.person), None
        start = self._clause_start(text, frames=False)
        frame = self._frame.match(text, start)
        if frame:
            inside = [m for m in mentions if m.start - offset < frame.end("np")]
            named = self.loose_subject(text, offset, inside, frame.end("np"))
            return named or self.describe(frame.group("np"), offset, focus), None
        return None, None

    # --- subjects ------------------------------------------------------------------------

    def _clause_start(self, text: str, frames: bool = True) -> int:
        start = 0
        for pattern in (_DATELINE, _CONJUNCTION, _OPENER, _OPENER):
            match = pattern.match(text, start)
            if match:
                start = match.end()
        if frames:
            frame = self._frame.match(text, start)
            if frame and "," not in frame.group("np")[-3:]:
                start = frame.end()
        return start

    def accused(self, text: str, offset: int, mentions: list[Mention]) -> str | None:
        """ "X accused Y of delaying a ceasefire": Y is the one who acts."""
        for mention in mentions:
            if _ACCUSED.search(_window(text, mention.start - offset)):
                return mention.entity_key
        return None

    def subject(
        self, text: str, offset: int, mentions: list[Mention], cue_at: int, focus: FocusLike
    ) -> str | None:
        start = self._clause_start(text)
        group = _GROUP_EXAMPLES.match(text, start)
        if group:  # "Several allies – including Canada, Norway... – will": the first example
            start = group.end()
        limit = cue_at if cue_at > start else len(text)  # a cue in the opener: main subject
        for i, mention in enumerate(mentions):
            rel = mention.start - offset
            if rel < start or rel >= limit:
                continue
            if _PRELUDE.match(text[start:rel]) and self._acts(text, mention.end - offset):
                return self._titled_person(text, offset, mention, mentions[i + 1 : i + 2])
            break
        head = re.match(r"\W*([\w’']+(?: \w+)?(?: \w+)?)", text[start:])
        if head is None:
            return None
        if head.group(1).lower() in ("he", "she") or head.group(1).lower().startswith(
            ("he ", "she ")
        ):
            people = [m for m in mentions if m.start - offset < start and self._is_person(m)]
            if people:  # "In Putin's speech, he set out his terms"
                return people[-1].entity_key
        return self.describe(head.group(1), offset + start, focus)

    def _is_person(self, mention: Mention) -> bool:
        return self._types.get(mention.entity_key) == "PERSON"

    def _titled_person(
        self, text: str, offset: int, mention: Mention, following: list[Mention]
    ) -> str:
        """ "EU foreign affairs chief Federica Mogherini": the person, not the EU."""
        if self._is_person(mention) or not following or not self._is_person(following[0]):
            return mention.entity_key
        gap = text[mention.end - offset : following[0].start - offset]
        if re.fullmatch(r"(?:['’]s)?(?:\s+[\w-]+){1,5}\s+", gap) and not _PREDICATE.search(gap):
            return following[0].entity_key
        return mention.entity_key

    def clause_subject(
        self, text: str, offset: int, mentions: list[Mention], clause_start: int, cue_at: int
    ) -> str | None:
        """The entity opening a later clause ("..., and U.S. officials have had talks")."""
        lead = _CLAUSE_LEAD.match(text, clause_start)
        start = lead.end() if lead else clause_start
        for i, mention in enumerate(mentions):
            rel = mention.start - offset
            if rel < start or rel >= cue_at:
                continue
            if _PRELUDE.match(text[start:rel]) and self._acts(text, mention.end - offset):
                return self._titled_person(text, offset, mention, mentions[i + 1 : i + 2])
            break
        return None

    def nearest(
        self, text: str, offset: int, mentions: list[Mention], clause_start: int, cue_at: int
    ) -> str | None:
        """The last entity before the cue in its clause, or the first of its coordination."""
        clause_start = max(clause_start, self._clause_start(text, frames=False))
        before = [
            m
            for m in mentions
            if clause_start <= m.start - offset < cue_at
            and not self._governed(_window(text, m.start - offset))
            and self._acts(text, m.end - offset)
            and not _modifies(text, offset, m, cue_at)
        ]
        if not before:
            return None
        chosen = before[-1]
        for earlier in reversed(before[:-1]):
            gap = text[earlier.end - offset : chosen.start - offset]
            if not re.fullmatch(r"\s*(,|and|, and)\s*", gap):
                break
            chosen = earlier
        return chosen.entity_key

    def modifier(self, text: str, offset: int, mentions: list[Mention], cue_at: int) -> str | None:
        """The entity right before a cued noun owns it: "U.S. security assistance"."""
        for mention in mentions:
            gap = text[mention.end - offset : cue_at]
            if mention.end - offset <= cue_at and re.fullmatch(r"(?:['’]s)?\s+", gap):
                return mention.entity_key
        return None

    def fallback(self, text: str, offset: int, mentions: list[Mention], cue_at: int) -> str | None:
        """Any entity of the sentence but the cued noun's modifier ("Crimea sanctions"),
        preferring one that is not an owner ("Russia's assets")."""
        free = [m for m in mentions if not _modifies(text, offset, m, cue_at)] or mentions
        acting = [m for m in free if self._acts(text, m.end - offset)] or free
        return acting[0].entity_key if acting else None

    def _acts(self, text: str, end: int) -> bool:
        after = text[end:]
        if _NOT_SELF.match(after):
            return False
        if re.match(r"^['’]s\b", after):
            return re.match(rf"^['’]s\s+(?:\w+\s+){{0,2}}?({self._heads})\b", after) is not None
        return True

    def describe(self, phrase: str, offset: int, focus: FocusLike) -> str | None:
        """Resolve "he", "it", "the Prime Minister", "the alliance" at ``offset``."""
        words = phrase.strip().split()
        if not words:
            return None
        first = words[0].lower()
        if first in ("he", "she"):
            return focus.person
        if first == "it":
            return focus.subject
        if first != "the":
            return None
        for size in (3, 2, 1):
            head = " ".join(words[1 : 1 + size])
            resolved = self._role(head, offset, focus) or self._group(head)
            if resolved:
                return resolved
        return None

    def _role(self, head: str, offset: int, focus: FocusLike) -> str | None:
        title = self._lex.role_abbreviations.get(head, head).lower()
        holder = self._article.role_holders.get(title)
        if holder is not None and self._first_seen.get(holder, offset) < offset:
            return holder
        known = {r.lower() for r in self._lex.roles}
        return focus.person if title in known else None

    def _group(self, head: str) -> str | None:
        key = self._lex.group_nouns.get(head.lower())
        return key if key in self._keys else None

    def loose_subject(
        self, text: str, offset: int, mentions: list[Mention], cue_at: int
    ) -> str | None:
        """The first entity of the main clause before the predicate, not governed."""
        start = self._clause_start(text, frames=False)
        limit = min(cue_at, self._predicate(text, offset, mentions))
        for mention in mentions:
            rel = mention.start - offset
            if rel >= limit:
                break
            if rel < start:
                continue
            if not self._governed(_window(text, rel)) and self._acts(text, mention.end - offset):
                return mention.entity_key
        return None

    def _predicate(self, text: str, offset: int, mentions: list[Mention]) -> int:
        spans = [(m.start - offset, m.end - offset) for m in mentions]
        for match in _PREDICATE.finditer(text, self._clause_start(text, frames=False)):
            if not any(s <= match.start() < e for s, e in spans):
                return match.start()
        return len(text)

    @staticmethod
    def _governed(before: str) -> bool:
        words = before.split()
        while words and (words[-1].lower() in _DETERMINERS or words[-1][:1].isupper()):
            words.pop()
        return bool(words) and words[-1].lower().strip(',“"') in _PREPOSITIONS
