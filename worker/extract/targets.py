"""Targets and beneficiaries: who a commitment is aimed at, by the conventions of the labels.

Sanctions target the sanctioned ("sanctions *on* Russia", "Russia's shadow fleet"); aid and
peacekeeping target the recipient ("providing *Ukraine* with", "troops *to* Ukraine"); a
ceasefire targets the party urged ("urging *Russia* to"); talks target the counterpart ("talks
*with* Ukraine"); frozen assets target their owner ("*Russia's* frozen assets") and, for loans,
name a beneficiary ("a loan *to* Ukraine"). Each type's words live in ``types.toml``
(``target_before``: words right before the target; ``owner_is_target``); no rule, no target.
"""

from __future__ import annotations

import re

from worker.domain import Mention
from worker.extract.canon import demonym_key
from worker.extract.lexicon import CommitmentType, Lexicon

_BENEFICIARY = re.compile(
    r"\b(loans?|proceeds|funds|money|financing)\b[^.;]{0,60}?\b(to|for)\s+(the\s+)?$", re.I
)


class Targets:
    """Target and beneficiary rules for one article's entities."""

    def __init__(self, lexicon: Lexicon, keys: set[str]) -> None:
        self._lex = lexicon
        self._keys = keys
        self._types = {t.name: t for t in lexicon.types}

    def target(
        self,
        text: str,
        offset: int,
        mentions: list[Mention],
        cue: tuple[str, int, int],
        taken: set[str | None],
    ) -> str | None:
        """The target of a commitment of ``cue`` = (type, cue start, clause start)."""
        kind = self._types.get(cue[0])
        if kind is None:
            return None
        free = [m for m in mentions if m.entity_key not in taken and m.start - offset >= cue[2]]
        return self._governed(text, offset, free, kind) or self._owner(
            text, offset, free, cue, kind
        )

    def beneficiary(self, text: str, offset: int, mentions: list[Mention]) -> str | None:
        for mention in mentions:
            if _BENEFICIARY.search(
                text[max(0, mention.start - offset - 90) : mention.start - offset]
            ):
                return mention.entity_key
        return None

    @staticmethod
    def _governed(
        text: str, offset: int, mentions: list[Mention], kind: CommitmentType
    ) -> str | None:
        if kind.target_before is None:
            return None
        for mention in mentions:
            before = text[max(0, mention.start - offset - 40) : mention.start - offset]
            if kind.target_before.search(before):
                return mention.entity_key
        return None

    def _owner(
        self,
        text: str,
        offset: int,
        mentions: list[Mention],
        cue: tuple[str, int, int],
        kind: CommitmentType,
    ) -> str | None:
        if not kind.owner_is_target:
            return None
        for mention in mentions:
            gap = text[mention.end - offset : cue[1]]
            if re.fullmatch(r"(['’]s)?\s+([\w-]+\s+){0,3}", gap):
                return mention.entity_key
        adjective = re.search(
            r"\b([A-Z][a-z]+)\s+([\w-]+\s+){0,2}$", text[max(0, cue[1] - 80) : cue[1]]
        )
        key = demonym_key(adjective.group(1), self._lex) if adjective else None
        return key if key in self._keys else None
