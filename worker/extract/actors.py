"""Who commits: the actor of a sentence, found with surface rules instead of a parser.

The order of preference follows how news attributes decisions:

1. the subject of the clause: the first named entity before the predicate that is not governed
   by a preposition ("sanctions *on* Russia"), not a news agency, and not the possessor of
   allies ("Britain's allies");
2. first person ("we", "our") speaks for a group: the one named in apposition ("we, the Leaders
   of the G7"), a coalition the article names, or the press office that published it;
3. the speaker ("..., Healey said", "according to Poroshenko", "he told reporters"), with
   pronouns and roles ("he", "the Prime Minister") resolved to the last person in focus;
4. a demonym subject ("Russian officials") when the article names that country;
5. the previous commitment's actor, for passive sentences that continue the same announcement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from worker.domain import Mention
from worker.extract.canon import demonym_key
from worker.extract.entities import ArticleEntities
from worker.extract.lexicon import Lexicon

_PREPOSITIONS = frozenset(
    "on to against in at from with for of between by about into onto toward towards over than "
    "including via through within among across under after before upon like as".split()
)
_DETERMINERS = frozenset("the a an its their his her our".split())
_NOT_SELF = re.compile(r"^['’]s\s+(allies|partners|backers|supporters|critics|opponents|enemies)\b")
_OPENER = re.compile(
    r"^\W*(in|at|after|following|under|with|since|during|asked|speaking|for|on|despite|while|"
    r"as|given|against|before|until|amid|today|yesterday|however|but|and|meanwhile|also|"
    r"earlier|later|separately|additionally|in addition)\b[^,]*,\s*",
    re.I,
)
_PREDICATE = re.compile(
    r"\b(will|would|shall|can|could|may|might|must|should|has|have|had|is|are|was|were|"
    r"did|does|do|agreed|said|says|told|remains?|continues?|intends?|plans?|wants?)\b|[\w]+ed\b"
)
_FIRST_PERSON = re.compile(r"^\W*(we|our|i)\b|[,“\"‘]\s*(we|i)\b", re.I)
_PRONOUN_SUBJECT = re.compile(r"^\W*(and |but )?(he|she)\b", re.I)
_IT_SUBJECT = re.compile(r"^\W*(and |but )?it\b", re.I)
_WE_APPOSITION = re.compile(r"\bwe, the\b", re.I)


@dataclass(slots=True)
class Focus:
    """What earlier sentences leave in focus for pronouns, roles and passives."""

    person: str | None = None
    subject: str | None = None
    actor: str | None = None
    group: str | None = None
    quote_speaker: str | None = None
    seen: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Attribution:
    actor: str | None
    speaker: str | None
    co_actors: tuple[str, ...]
    from_sentence: bool


class ActorResolver:
    """Resolves actors sentence by sentence; one instance per article (it keeps focus)."""

    def __init__(self, lexicon: Lexicon, article: ArticleEntities, publisher: str | None) -> None:
        self._lex = lexicon
        self._article = article
        self._publisher = publisher
        self._keys = {e.key for e in article.entities}
        self._types = {e.key: e.type for e in article.entities}
        verbs = lexicon.reporting_verbs
        self._said_after = re.compile(rf"^[\s,]*(?:[A-Z]\w+ )?(?:has |had |also |then )*{verbs}\b")
        self._said_before = re.compile(rf"\b{verbs}:?\s+(?:[\w’'.-]+\s+){{0,5}}$")
        self._pronoun_said = re.compile(rf"\b(he|she|it)\s+(?:has\s+|had\s+|also\s+)*{verbs}\b")
        self._according = re.compile(r"\baccording to\s+(?:the\s+)?$", re.I)
        self.focus = Focus()

    # --- public --------------------------------------------------------------------------

    def attribute(
        self, text: str, offset: int, mentions: list[Mention], cue_at: int
    ) -> Attribution:
        """The actor of a commitment whose cue starts at ``cue_at`` (sentence-relative)."""
        local = [m for m in mentions if m.entity_key not in self._lex.media]
        speaker, speaker_mention = self._speaker(text, offset, local)
        if speaker is None and text.lstrip().startswith(("“", '"')):
            speaker = self.focus.quote_speaker
        candidates = [m for m in local if m is not speaker_mention]
        subject = self._subject(text, offset, candidates, cue_at)
        actor = subject or self._first_person(text, speaker) or speaker
        actor = actor or self._role_subject(text) or self._demonym(text, cue_at)
        from_sentence = actor is not None
        if actor is None and self._passive_continuation(text):
            actor = self.focus.actor
        co = self._co_actors(text, offset, candidates, actor)
        return Attribution(actor, speaker if speaker != actor else None, co, from_sentence)

    def remember(self, text: str, offset: int, mentions: list[Mention]) -> None:
        """Update focus after a sentence: last person, subject and speaker of quotes."""
        local = [m for m in mentions if m.entity_key not in self._lex.media]
        speaker, _ = self._speaker(text, offset, local)
        subject = self._subject(text, offset, local, len(text))
        for key in (subject, speaker):
            if key and self._types.get(key) == "PERSON":
                self.focus.person = key
        self.focus.subject = subject or speaker or self.focus.subject
        if speaker and ("“" in text or '"' in text):
            self.focus.quote_speaker = speaker
        if _WE_APPOSITION.search(text):
            self.focus.group = self._apposition_group(text, offset, local)

    # --- rules ---------------------------------------------------------------------------

    def _governed(self, text: str, offset: int, mention: Mention) -> bool:
        words = text[: mention.start - offset].split()
        while words and words[-1].lower() in _DETERMINERS:
            words.pop()
        return bool(words) and words[-1].lower().strip(',“"') in _PREPOSITIONS

    def _subject(self, text: str, offset: int, mentions: list[Mention], cue_at: int) -> str | None:
        opener = _OPENER.match(text)
        clause_start = opener.end() if opener else 0
        predicate = _PREDICATE.search(text, clause_start)
        limit = min(cue_at, predicate.start() if predicate else len(text))
        for mention in mentions:
            rel = mention.start - offset
            if rel < clause_start or rel >= limit:
                continue
            if self._governed(text, offset, mention) or _NOT_SELF.match(
                text[mention.end - offset :]
            ):
                continue
            return mention.entity_key
        return None

    def _speaker(
        self, text: str, offset: int, mentions: list[Mention]
    ) -> tuple[str | None, Mention | None]:
        for mention in mentions:
            if self._types.get(mention.entity_key) == "GPE":
                continue
            before = text[: mention.start - offset]
            after = text[mention.end - offset :]
            if self._said_after.match(after) or self._said_before.search(before):
                return mention.entity_key, mention
            if self._according.search(before):
                return mention.entity_key, mention
        pronoun = self._pronoun_said.search(text)
        if pronoun:
            is_it = pronoun.group(1).lower() == "it"
            return (self.focus.subject if is_it else self.focus.person), None
        return None, None

    def _first_person(self, text: str, speaker: str | None) -> str | None:
        if not _FIRST_PERSON.search(text):
            return None
        group = self.focus.group or next((g for g in self._lex.we_groups if g in self._keys), None)
        if speaker is not None:
            return group if group == "org:coalition-of-the-willing" else speaker
        if group is not None:
            return group
        return self._publisher if self._publisher in self._keys else None

    def _role_subject(self, text: str) -> str | None:
        if _PRONOUN_SUBJECT.match(text):
            return self.focus.person
        if _IT_SUBJECT.match(text):
            return self.focus.subject
        head = re.match(
            r"^\W*(?:and |but )?the ([\w -]{2,40}?)\s+(?:\w+ed|said|has|had|will|is|was|told|accepted)\b",
            text,
            re.I,
        )
        if head is None:
            return None
        title = self._lex.role_abbreviations.get(head.group(1), head.group(1)).lower()
        if title in self._article.role_holders:
            return self._article.role_holders[title]
        known = {r.lower() for r in self._lex.roles} | {
            k.lower() for k in self._lex.role_abbreviations
        }
        return self.focus.person if title.lower() in known else None

    def _demonym(self, text: str, cue_at: int) -> str | None:
        for word in re.findall(r"\b[A-Z][a-z]+\b", text[:cue_at]):
            key = demonym_key(word, self._lex)
            if key in self._keys and self._types.get(key) != "PERSON":
                if re.search(
                    rf"\b{word} (officials|leaders|government|governments|ambassadors|ministers|diplomats|forces|president|presidents)\b",
                    text,
                ):
                    return key
        return None

    @staticmethod
    def _passive_continuation(text: str) -> bool:
        return (
            re.search(
                r"\b(is|are|was|were|been|being)\s+(\w+ly\s+)?\w+ed\b|^\W*(these|those|this|the|it)\b",
                text,
                re.I,
            )
            is not None
        )

    def _co_actors(
        self, text: str, offset: int, mentions: list[Mention], actor: str | None
    ) -> tuple[str, ...]:
        if actor is None:
            return ()
        result: list[str] = []
        chain = False
        previous_end = None
        for mention in mentions:
            if mention.entity_key == actor and not chain:
                chain, previous_end = True, mention.end
                continue
            if not chain or previous_end is None:
                continue
            gap = text[previous_end - offset : mention.start - offset]
            if not re.fullmatch(r"\s*(,|and|, and|&)\s*(the\s+)?", gap):
                break
            if mention.entity_key != actor and mention.entity_key not in result:
                result.append(mention.entity_key)
            previous_end = mention.end
        return tuple(result)

    def _apposition_group(self, text: str, offset: int, mentions: list[Mention]) -> str | None:
        match = _WE_APPOSITION.search(text)
        assert match is not None
        after = [m for m in mentions if m.start - offset > match.end()]
        return after[0].entity_key if after else None
