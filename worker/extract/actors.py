"""Who commits: the actor of a sentence, found with surface rules instead of a parser.

The rules are tried in the order news attributes decisions, the first that names someone wins:

1. the accused ("X accused *Putin* of delaying a ceasefire");
2. in a later clause, its own opening subject or else the speaker ("..., and *U.S.* officials
   have had discussions");
3. the subject that opens the sentence after openers, datelines and reporting frames
   ("Reuters reported that *Putin* ..."), titles allowed ("Italian Prime Minister *Meloni*"),
   possessors only through an agent ("*Russia's* foreign minister"), roles and group
   descriptions resolved ("the Prime Minister", "the alliance");
4. first person ("we", "our"): the group named in apposition ("we, the Leaders of the G7"), the
   coalition a speaker speaks for, else the speaker, else the press office that published it;
5. the speaker ("..., Healey said", "according to Poroshenko", "he told reporters");
6. the owner of a cued aid or talks noun ("*U.S.* security assistance");
7. a demonym with an agent noun ("*European* leaders"), when the article names the group;
8. the first entity of the main clause not governed by a preposition, then the nearest one
   before the cue;
9. the previous commitment's actor, within two sentences (passives continuing an announcement);
10. any entity of the sentence but the cued noun's modifier.

Capitals and government seats become their state when the article names it (label rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from worker.domain import Mention
from worker.extract.canon import demonym_key
from worker.extract.entities import ArticleEntities
from worker.extract.lexicon import Lexicon
from worker.extract.subjects import Subjects

_FIRST_PERSON = re.compile(
    r"^\W*(we|our|i)\b|[,“\"‘:]\s*(we|i)\b|\bwe (will|are|have|want|need)\b", re.I
)
_WE_APPOSITION = re.compile(r"\bwe, the\b", re.I)
# Mentions of one sentence considered for focus: a run-on list of names is no subject.
MAX_FOCUS_MENTIONS = 50
# Sentences after a commitment within which an actorless sentence inherits its actor.
FOCUS_SENTENCES = 2


@dataclass(slots=True)
class Focus:
    """What earlier sentences leave in focus for pronouns, roles and passives."""

    person: str | None = None
    subject: str | None = None
    actor: str | None = None
    actor_age: int = 99
    group: str | None = None
    quote_speaker: str | None = None


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
        self._subjects = Subjects(lexicon, article)
        self.focus = Focus()

    # --- public --------------------------------------------------------------------------

    def attribute(
        self,
        text: str,
        offset: int,
        mentions: list[Mention],
        cue: tuple[str, int, int],
    ) -> Attribution:
        """The actor of a commitment: ``cue`` is (type, cue start, start of its clause)."""
        cue_type, cue_at, clause_start = cue
        subjects = self._subjects
        local = [m for m in mentions if m.entity_key not in self._lex.media]
        speaker, speaker_mention = subjects.speaker(text, offset, local, self.focus)
        if speaker is None and text.lstrip().startswith(("“", '"')):
            speaker = self.focus.quote_speaker
        others = [m for m in local if m is not speaker_mention]
        in_focus = replace(self.focus, person=speaker) if self._is_person(speaker) else self.focus
        in_clause = [m for m in others if m.start - offset >= clause_start]
        later_clause = (
            subjects.clause_subject(text, offset, others, clause_start, cue_at) or speaker
            if clause_start > 0
            else None
        )
        actor = (
            subjects.accused(text, offset, in_clause)
            or later_clause
            or subjects.subject(text, offset, others, cue_at, in_focus)
            or self._first_person(text, speaker)
            or speaker
            or self._owner(text, offset, others, cue_at, cue_type)
            or self._demonym(text, cue_at)
            or subjects.loose_subject(text, offset, others, cue_at)
            or subjects.nearest(text, offset, others, clause_start, cue_at)
        )
        from_sentence = actor is not None
        if actor is None and self.focus.actor_age <= FOCUS_SENTENCES:
            actor = self.focus.actor
        if actor is None:
            actor = subjects.fallback(text, offset, others, cue_at)
        actor = self._state_for_capital(actor)
        co = self._co_actors(text, offset, others, actor)
        speaker = self._state_for_capital(speaker)
        return Attribution(actor, speaker if speaker != actor else None, co, from_sentence)

    def remember(self, text: str, offset: int, mentions: list[Mention]) -> None:
        """Update focus after a sentence: last person, subject and speaker of quotes."""
        mentions = mentions[:MAX_FOCUS_MENTIONS]
        local = [m for m in mentions if m.entity_key not in self._lex.media]
        speaker, mention = self._subjects.speaker(text, offset, local, self.focus)
        others = [m for m in local if m is not mention]
        subject = self._subjects.subject(text, offset, others, len(text), self.focus)
        subject = subject or self._subjects.loose_subject(text, offset, others, len(text))
        for key in (speaker, subject):
            if key and self._types.get(key) == "PERSON":
                self.focus.person = key
                break
        self.focus.subject = subject or speaker or self.focus.subject
        if speaker and ("“" in text or '"' in text):
            self.focus.quote_speaker = speaker
        if _WE_APPOSITION.search(text):
            self.focus.group = self._apposition_group(text, offset, local)
        self.focus.actor_age += 1

    def _is_person(self, key: str | None) -> bool:
        return key is not None and self._types.get(key) == "PERSON"

    # --- rules ---------------------------------------------------------------------------

    def _first_person(self, text: str, speaker: str | None) -> str | None:
        if not _FIRST_PERSON.search(text):
            return None
        if self.focus.group is not None:
            return self.focus.group
        coalition = next((g for g in self._lex.we_groups[:1] if g in self._keys), None)
        if speaker is not None:
            return coalition or speaker
        if self._publisher in self._keys:
            return self._publisher
        return next((g for g in self._lex.we_groups if g in self._keys), None)

    def _owner(
        self, text: str, offset: int, mentions: list[Mention], cue_at: int, cue_type: str
    ) -> str | None:
        if cue_type not in self._lex.owner_acts:
            return None  # "Russia's frozen assets", "Crimea sanctions": the owner is the target
        noun = re.match(r"[a-z]+", text[cue_at:].lower())
        if noun is None or noun.group() not in self._lex.owned_nouns:
            return None
        return self._subjects.modifier(text, offset, mentions, cue_at)

    def _demonym(self, text: str, cue_at: int) -> str | None:
        heads = "|".join(re.escape(n) for n in self._lex.agent_nouns)
        for match in re.finditer(rf"\b([A-Z][a-z]+) ({heads})\b", text[:cue_at]):
            key = demonym_key(match.group(1), self._lex)
            if key in self._keys and self._types.get(key) != "PERSON":
                return key
        return None

    def _state_for_capital(self, key: str | None) -> str | None:
        state = self._lex.capitals.get(key or "")
        return state if state in self._keys else key

    def _co_actors(
        self, text: str, offset: int, mentions: list[Mention], actor: str | None
    ) -> tuple[str, ...]:
        result: list[str] = []
        previous_end = next((m.end for m in mentions if m.entity_key == actor), None)
        for mention in mentions:
            if previous_end is None or mention.start < previous_end:
                continue
            gap = text[previous_end - offset : mention.start - offset]
            if not re.fullmatch(r"\s*(,|and|, and|&)\s*(the\s+)?", gap):
                break
            if mention.entity_key != actor and mention.entity_key not in result:
                result.append(self._state_for_capital(mention.entity_key) or mention.entity_key)
            previous_end = mention.end
        return tuple(result)

    def _apposition_group(self, text: str, offset: int, mentions: list[Mention]) -> str | None:
        match = _WE_APPOSITION.search(text)
        after = [m for m in mentions if match and m.start - offset > match.end()]
        return after[0].entity_key if after else None
