"""Canonical names and stable keys: the rules that make "UK" and "Britain" one entity.

Countries are normalised by ``rigour`` (OpenSanctions' territory data: names, demonyms and
Wikidata ids) to ``gpe:<iso2>``; everything else gets ``<type>:<slug>`` of its canonical name,
so the same name yields the same key in every article.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rigour.territories import lookup_territory
from rigour.territories.util import normalize_territory_name

from worker.extract.lexicon import EntityEntry, Lexicon

_SLUG = re.compile(r"[^a-z0-9]+")
_LEADING_ARTICLE = re.compile(r"^(?:[“\"‘(]|['’]s\s+|(?:the|The|THE|an?)\s+)+")
# An acronym the model runs a name into: "Japan Bank for International Cooperation| (JBIC".
_TRAILING_ACRONYM = re.compile(r"\s*\([A-Z][A-Za-z0-9.]*$")
# Lower-case words the model runs a name into: "the Israeli Defense Forces| through".
_TRAILING_WORDS = re.compile(r"(?:\s+(?:through|with|and|of|for|the|in|on|to|from|by|at|as))+$")
_ABBREVIATION_END = re.compile(r"(?:\b[A-Z]\.){2,}$")
_COMPANY_END = re.compile(r"\b(?:Ltd|Inc|Co|Corp|Bros)\.$")
_TRAILING = re.compile(r"(['’]s|['’]|[\s,.;:–—(-])+$")
# Natural features are not entities under the label rules (seas, rivers, mountains).
NATURAL_FEATURES = re.compile(
    r"\b(Sea|Ocean|River|Lake|Gulf|Strait|Bay|Mountains?|Peninsula|Channel)\b", re.I
)
_ACRONYM_STOP = frozenset({"of", "the", "and", "for", "in", "on", "de", "du", "des", "la", "le"})


@dataclass(frozen=True, slots=True)
class Canonical:
    key: str
    name: str
    type: str
    wikidata: str | None = None
    parent: str | None = None


def slug(text: str) -> str:
    """ASCII, lower case, hyphen-separated: ``Élysée Palace`` → ``elysee-palace``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG.sub("-", ascii_text.lower()).strip("-")


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the" and a trailing possessive or punctuation from an entity span."""
    surface = text[start:end]
    lead = _LEADING_ARTICLE.match(surface)
    if lead:
        start += lead.end()
    for trailing in (_TRAILING_ACRONYM, _TRAILING_WORDS):
        found = trailing.search(text, start, end)
        if found is not None and found.start() > start:
            end = found.start()
    tail = _TRAILING.search(text[start:end])
    if tail and tail.start() > 0:
        end = start + tail.start()
        if _ABBREVIATION_END.search(text[start : end + 1]) or _COMPANY_END.search(
            text[start : end + 1]
        ):
            end += 1  # keep the full stop of "U.S.", "U.N." or "Ltd."
    return start, end


def is_code_like(surface: str) -> bool:
    """Short capitals ("AI", "EV"): rigour would read them as ISO codes."""
    return len(surface.replace(".", "")) <= 3 and surface.replace(".", "").isupper()


@lru_cache(maxsize=8192)
def is_place(surface: str) -> bool:
    """Whether rigour knows ``surface`` as a territory (country, region or city)."""
    return not is_code_like(surface) and lookup_territory(surface) is not None


@lru_cache(maxsize=8192)
def country(surface: str, abbreviations: frozenset[str] = frozenset()) -> Canonical | None:
    """A country (or territory with an ISO code) named by ``surface``, via rigour."""
    if len(surface) < 2 or not surface[0].isupper():
        return None
    if is_code_like(surface) and surface.replace(".", "") not in abbreviations:
        return None
    territory = lookup_territory(surface)
    if territory is None or not territory.is_country or "-" in territory.code:
        return None
    if normalize_territory_name(surface) in {normalize_territory_name(p) for p in territory.places}:
        return None  # rigour maps capitals to their country; a capital is a GPE of its own
    return Canonical(f"gpe:{territory.code}", territory.name, "GPE", territory.qid)


def demonym_key(word: str, lexicon: Lexicon) -> str | None:
    """The entity key an adjective such as "Russian" or "European" stands for."""
    if word in lexicon.demonyms:
        return lexicon.demonyms[word]
    found = country(word, lexicon.country_abbreviations)
    return found.key if found else None


def person_core(surface: str, honorifics: frozenset[str]) -> str:
    """The name without leading titles: "President Volodymyr Zelensky" → "Volodymyr Zelensky"."""
    words = surface.split()
    while len(words) > 1 and words[0] in honorifics:
        words = words[1:]
    return " ".join(words)


def acronym(name: str) -> str:
    """Initials of the significant words: "International Atomic Energy Agency" → "IAEA"."""
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in _ACRONYM_STOP]
    return "".join(w[0] for w in words).upper()


def from_entry(entry: EntityEntry) -> Canonical:
    return Canonical(entry.key, entry.name, entry.type, entry.wikidata, entry.parent)


def provisional(surface: str, label: str, lexicon: Lexicon) -> Canonical:
    """A first key for one span, before the mentions of an article are clustered."""
    found = country(surface, lexicon.country_abbreviations)
    if found is not None and label in ("GPE", "ORG"):
        return found
    if label == "PERSON":
        core = person_core(surface, lexicon.honorifics)
        return Canonical(f"person:{slug(core)}", core, "PERSON")
    prefix = "org" if label == "ORG" else "gpe"
    return Canonical(f"{prefix}:{slug(surface)}", surface, label)
