"""Which commitment types a sentence carries, and with what status: the lexicon applied.

Type cues inside a conditional clause or a journalist's question are masked first ("ready to
deploy *if they agree on a ceasefire*" is a peacekeeping pledge, not a ceasefire). The status
is read in the clause that carries the cue, then in the whole sentence, the lowest-ranked status
rule winning within a scope; with no cue at all, tense decides between the two defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from worker.extract.lexicon import Cue, Lexicon

_CLAUSE_BREAK = re.compile(
    r";|\s[–—]\s|,\s+(?:but|and|while|whereas|adding|saying|noting|as)\s|\sbut\s|:\s"
    r"|\sand that\s"
)
# A status word right before the cue qualifies it ("a proposed ceasefire", "agreed truce").
ADJACENT_CHARS = 12
_CONDITION_END = re.compile(r"[,;:–—]|$")
# A coordinated main clause has its own subject and verb: no status is inherited across it.
_COORDINATED = re.compile(r"(;|,\s+(?:and|but|while|whereas)|\sbut)\s*$")
_PARENTHESIS = re.compile(r"\([^)]*\)")
# An adverbial opener ("In line with talks between X and Y, ...") is neither the subject nor the
# status of the main clause.
OPENER = re.compile(
    r"\W*(in|at|after|following|under|with|since|during|asked|speaking|for|on|despite|while|"
    r"as|given|against|before|until|amid|today|yesterday|however|meanwhile|also|earlier|later|"
    r"separately|additionally|in addition|to that end|for its part|for her part|for his part)\b"
    r"[^,“\"]*,\s*",
    re.I,
)


@dataclass(frozen=True, slots=True)
class CueHit:
    """A type cue found in a sentence: ``start``/``end`` are sentence-relative."""

    type: str
    start: int
    end: int
    strength: float


def masked_regions(text: str, lexicon: Lexicon) -> list[tuple[int, int]]:
    """Conditional clauses and questions: from the opener to the next clause punctuation."""
    regions = []
    for opener in (*lexicon.conditional_openers, *lexicon.question_openers):
        for match in opener.finditer(text):
            end = _CONDITION_END.search(text, match.end())
            regions.append((match.start(), end.start() if end else len(text)))
    return regions


def inside(position: int, regions: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in regions)


def _hits(cues: tuple[Cue, ...], text: str, regions: list[tuple[int, int]]) -> list[re.Match[str]]:
    found = []
    for cue in cues:
        found += [m for m in cue.finditer(text) if not inside(m.start(), regions)]
    return sorted(found, key=lambda m: m.start())


def has_strong_cue(text: str, lexicon: Lexicon) -> bool:
    """Whether ``text`` cues any type on its own (the article is about commitments at all)."""
    return any(cue.find(text) for kind in lexicon.types for cue in kind.cues)


def find_cues(
    text: str,
    lexicon: Lexicon,
    seen_types: set[str],
    topical: bool = True,
    regions: list[tuple[int, int]] | None = None,
) -> list[CueHit]:
    """Every type cue in ``text``; ``seen_types`` enables context cues ("the assets").

    Weak cues count for a type only in a ``topical`` article (one with a strong cue somewhere:
    a leaders' call about cricket is not peace talks), when no other type is cued, and not in
    parentheses. ``regions`` are ``masked_regions(text, lexicon)`` if the caller has them.
    """
    regions = masked_regions(text, lexicon) if regions is None else regions
    hits: list[CueHit] = []
    for kind in lexicon.types:
        strong = _hits(kind.cues, text, regions)
        hits += [CueHit(kind.name, m.start(), m.end(), 1.0) for m in strong]
        if not strong and kind.name in seen_types:
            context = _hits(kind.context_cues, text, regions)
            hits += [CueHit(kind.name, m.start(), m.end(), 0.6) for m in context[:1]]
    cued = {h.type for h in hits if h.strength >= 1.0}
    asides = regions + [(m.start(), m.end()) for m in _PARENTHESIS.finditer(text)]
    for kind in lexicon.types if topical else ():
        if not cued - {kind.name}:
            weak = _hits(kind.weak_cues, text, asides)
            hits += [CueHit(kind.name, m.start(), m.end(), 0.5) for m in weak[:1]]
    cued = {h.type for h in hits if h.strength >= 1.0}
    yielding = {k.name for k in lexicon.types if cued & set(k.yields_to)}
    return [h for h in hits if h.type not in yielding]


def clause_bounds(text: str, position: int) -> tuple[int, int]:
    """The clause around ``position``, split at semicolons, dashes and "but"/", and"."""
    start, end = 0, len(text)
    for brk in _CLAUSE_BREAK.finditer(text):
        if brk.end() <= position:
            start = brk.end()
        elif brk.start() > position:
            end = brk.start()
            break
    return start, end


def _best_status(text: str, lexicon: Lexicon) -> str | None:
    for rule in lexicon.statuses:  # sorted by rank
        if any(cue.search(text) for cue in rule.cues):
            return rule.name
    return None


def _adjacent_status(text: str, position: int, lexicon: Lexicon) -> str | None:
    """A modifier right before the cue ("proposed ceasefire") states its status."""
    window = text[max(0, position - ADJACENT_CHARS) : position]
    for status, cue in lexicon.modifiers:
        if cue.search(window):
            return status
    return None


def is_forecast(text: str, lexicon: Lexicon) -> bool:
    """Analysts' judgements and re-statements of a measure's content: not commitments."""
    cues = (*lexicon.forecast_cues, *lexicon.enumeration_cues, *lexicon.effect_cues)
    return any(cue.search(text) for cue in cues)


def _blanked(text: str, start: int, end: int, regions: list[tuple[int, int]]) -> str:
    """``text[start:end]`` with the masked regions turned to spaces (offsets unchanged)."""
    clause = text[start:end]
    for region_start, region_end in regions:
        left, right = max(region_start, start), min(region_end, end)
        if left < right:
            clause = clause[: left - start] + " " * (right - left) + clause[right - start :]
    return clause


def status_of(
    text: str, hit: CueHit, lexicon: Lexicon, regions: list[tuple[int, int]] | None = None
) -> tuple[str, bool]:
    """The status of the commitment cued by ``hit``, and whether a status cue said so."""
    regions = masked_regions(text, lexicon) if regions is None else regions
    start, end = clause_bounds(text, hit.start)
    opener = OPENER.match(text, start) if start == 0 else None
    if opener is not None and opener.end() <= hit.start:
        start = opener.end()
    clause = _blanked(text, start, end, regions)
    found = _adjacent_status(text, hit.start, lexicon) or _best_status(clause, lexicon)
    if found is None and not _COORDINATED.search(text[:start]):
        found = _best_status(text[:start], lexicon)  # the governing verb: "X agreed that ..."
    if found is not None:
        return found, True
    past = any(cue.search(clause) for cue in lexicon.past_cues)
    return (lexicon.past_status if past else lexicon.present_status), False
