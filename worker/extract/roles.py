"""Roles of people ("Italian Prime Minister", "Nato secretary-general"), read around a name.

A role is a title from the lexicon standing right before a name, with an optional qualifier
("Italian", "UK", "Nato's"), or an apposition right after it (", Nato's secretary-general").
The same titles let the resolver drop model spans that are only a title ("Defence" of "Defence
Secretary") and let "the Prime Minister" resolve to the person who holds that title.
"""

from __future__ import annotations

import re

from worker.extract.lexicon import Lexicon

# Characters looked at on each side of a name for its title.
WINDOW = 80


class Roles:
    """Title patterns compiled once per extractor from the lexicon's ``roles``."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._titles = tuple(lexicon.roles)
        alternation = "|".join(re.escape(r) for r in sorted(lexicon.roles, key=len, reverse=True))
        qualifier = r"(?:\b[A-Z][\w.-]*(?:['’]s)? |\b\w+['’]s )?"  # "Italian", "Nato's"
        self._before = re.compile(rf"({qualifier}(?:{alternation}))\s+(?:[A-Z][\w.]* ){{0,2}}$")
        self._after = re.compile(rf"^,\s+(?:the\s+)?([\w'’ .-]{{0,40}}?(?:{alternation}))\b")
        self._follows = re.compile(rf"\s+(?:{alternation})\b")
        self._starts = re.compile(rf"(?:{alternation})\b")
        words = {r.casefold() for r in lexicon.roles} | {
            w.casefold() for r in lexicon.roles for w in r.split() if w[0].isupper()
        }
        self._words = words | {w + "s" for w in words}

    def is_title(self, surface: str) -> bool:
        """Only a title or part of one ("Defence", "National Security Advisor")."""
        return surface.casefold() in self._words

    def follows(self, text: str, end: int) -> bool:
        """A title starts right after ``end`` ("European Economic| Commissioner")."""
        return self._follows.match(text, end) is not None

    def begins(self, text: str, start: int, end: int) -> bool:
        """A title starts at ``start`` and runs past ``end`` ("National Security| Advisor")."""
        match = self._starts.match(text, start)
        return match is not None and match.end() > end

    def around(self, text: str, spans: list[tuple[int, int]]) -> list[str]:
        """Titles written before or after any of a person's mentions, in order, unique."""
        found: list[str] = []
        for start, end in spans:
            line_start = text.rfind("\n", 0, start) + 1
            before = self._before.search(text[max(line_start, start - WINDOW) : start])
            after = self._after.search(text[end : end + WINDOW])
            for match in (before, after):
                if match and match.group(1).strip() not in found:
                    found.append(match.group(1).strip())
        return found

    def titles_of(self, role: str) -> list[str]:
        """The lexicon titles a role ends with ("Italian Prime Minister" → "prime minister")."""
        return [t.lower() for t in self._titles if role.lower().endswith(t.lower())]
