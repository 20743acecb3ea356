"""The engine's reasons, told from the reader's side.

The engine explains a suggestion to the mutual ("Covers 2 of your 3 topics", "Has room for 1 more mutual"), and an
introduction keeps those sentences. The mentor reads the same pair from the other side, so their pages and emails
say "You can help with 2 of their 3 topics" and "You have room for 1 more mutual" instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# (the mutual's sentence, the mentor's), tried in order; a sentence no rule matches is shown as it is.
_FOR_MENTOR = [
    (re.compile(r"^Covers your topic: (?P<rest>.*)$"), "You can help with their topic: {rest}"),
    (re.compile(r"^Covers both of your topics: (?P<rest>.*)$"), "You can help with both of their topics: {rest}"),
    (
        re.compile(r"^Covers all (?P<n>\d+) of your topics: (?P<rest>.*)$"),
        "You can help with all {n} of their topics: {rest}",
    ),
    (
        re.compile(r"^Covers (?P<n>\d+) of your (?P<m>\d+) topics: (?P<rest>.*)$"),
        "You can help with {n} of their {m} topics: {rest}",
    ),
    (re.compile(r"^Works in (?P<rest>.*)$"), "You know their service: {rest}"),
    (re.compile(r"^Also in (?P<rest>.*)$"), "They are also in {rest}"),
    (re.compile(r"^Based nearby, in (?P<rest>.*)$"), "They are in a region next to yours ({rest})"),
    (re.compile(r"^Based in (?P<rest>.*); you can both meet remotely$"), "You can both meet remotely"),
    (re.compile(r"^Has helped mutuals at your stage: (?P<rest>.*)$"), "You know their stage: {rest}"),
    (re.compile(r"^Has room for (?P<rest>.*)$"), "You have room for {rest}"),
    (
        re.compile(r"^Started mentoring a mutual at your stage \((?P<stage>.*)\) in (?P<period>.*)$"),
        "You started mentoring a mutual at their stage ({stage}) in {period}",
    ),
]


def reasons_for_mentor(reasons: Iterable[str]) -> list[str]:
    return [_reword(reason) for reason in reasons]


def _reword(reason: str) -> str:
    for pattern, template in _FOR_MENTOR:
        match = pattern.match(reason)
        if match:
            return template.format(**match.groupdict())
    return reason
