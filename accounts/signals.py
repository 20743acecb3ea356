"""Signals the accounts app sends for other apps to react to.

mentor_profile_changed is sent after the transaction commits whenever a mentor is approved, edited, paused or
resumed, with keyword arguments profile_id (int) and reason (str). The matching app listens to refresh the
suggestions of the requests that mentor could now enter (or must leave).
"""

from __future__ import annotations

from django.dispatch import Signal

mentor_profile_changed = Signal()
