"""Text people type, made safe to show: no control characters, no invisible bidirectional overrides.

A right-to-left override (U+202E) in a name makes "Alice\\u202egnp.exe" read as "Aliceexe.png"; control characters
can break layouts and logs. Names, titles and messages are cleaned when they are saved (forms and services call
these), so every page, email and export shows the same, harmless text.
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates, and the zero-width marks that change how text is ordered.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _control(character: str) -> bool:
    return unicodedata.category(character) == "Cc"


def clean_line(value: str) -> str:
    """One line of text (a name, a title): controls and bidi overrides removed, whitespace collapsed."""
    value = _BIDI_CONTROLS.sub("", value)
    return " ".join("".join(" " if _control(c) else c for c in value).split())


def clean_text(value: str) -> str:
    """Several lines (a message, a description): as clean_line, but new lines (and tabs) are kept."""
    value = _BIDI_CONTROLS.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in value if c in "\n\t" or not _control(c))
