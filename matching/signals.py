"""Signals the matching app sends for higher apps to react to (matching imports none of them).

introduction_accepted is sent inside the transaction in which a mentor accepts an introduction, with keyword
arguments `introduction` (the accepted Introduction, its request and mentor loaded) and `user` (the mentor). The
relationships app starts the mentoring relationship there. A receiver may refuse the acceptance by raising
matching.services.MatchingError (the whole acceptance is rolled back), and may return the path of the page the
mentor should see next.
"""

from __future__ import annotations

from django.dispatch import Signal

introduction_accepted = Signal()
