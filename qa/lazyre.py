"""Regular expressions compiled on first use.

A rule module holds dozens of module-level patterns, and ``re.compile`` costs 0.1-5 ms each (most
of a one-file run's start-up is compiling patterns of rules that find no candidate in the file
and never run). ``lazy_compile(pattern, flags)`` returns a ``LazyPattern``: its ``pattern`` text
is there at once; the first use of anything else (``search``, ``finditer``, ``flags``,
``groupindex`` ...) compiles it, and from then on the compiled pattern's methods are attributes
of the object itself, so a call costs what a call on the compiled pattern costs.

It is not an ``re.Pattern``: code that needs one (``isinstance``, ``re.sub(p, ...)``) calls
``compiled(p)``, which accepts both. ``qa.fastpath`` keys its memo by the text and the flags given
here, so reading a rule's triggers from the memo does not compile the pattern either.
"""

from __future__ import annotations

import re

__all__ = ["LazyPattern", "compiled", "lazy_compile"]


class LazyPattern:
    """``re.compile(pattern, flags)``, compiled on the first use of anything but ``pattern``."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.given_flags = int(flags)

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now, the first time)."""
        try:
            return object.__getattribute__(self, "_rx")
        except AttributeError:
            pass
        rx = re.compile(self.pattern, self.given_flags)
        for name in ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split",
                     "scanner", "flags", "groups", "groupindex"):
            setattr(self, name, getattr(rx, name))
        self._rx = rx
        return rx

    @property
    def is_compiled(self) -> bool:
        try:
            object.__getattribute__(self, "_rx")
        except AttributeError:
            return False
        return True

    def __getattr__(self, name: str):  # only called for what is not (yet) an attribute
        if name.startswith("__") or name == "_rx":
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __reduce__(self):
        return LazyPattern, (self.pattern, self.given_flags)

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r}, {self.given_flags})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyPattern):
            return (self.pattern, self.given_flags) == (other.pattern, other.given_flags)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((LazyPattern, self.pattern, self.given_flags))


def lazy_compile(pattern: str, flags: int = 0) -> LazyPattern:
    """A pattern compiled on first use (``LazyPattern``)."""
    return LazyPattern(pattern, flags)


def compiled(p: "re.Pattern[str] | LazyPattern") -> re.Pattern[str]:
    """The compiled pattern of ``p`` (a compiled pattern or a ``LazyPattern``)."""
    return p.compiled() if isinstance(p, LazyPattern) else p
