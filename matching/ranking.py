"""Moved to matching/candidates.py.

Kept only because matching/services/introductions.py imports eligible_mentors from here and is being changed on
another branch at the moment; delete this module once it imports from matching.candidates.
"""

from matching.candidates import eligible_mentors

__all__ = ["eligible_mentors"]
