"""`prepare`: the one way every mentor-matching computation loads what it scores."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import QuerySet

from matching import engine
from matching.loading.mentors import MentorTable, mentor_arrays, mentor_table
from matching.loading.requests import RequestBatch, load_requests
from matching.models import MentoringRequest


@dataclass(frozen=True)
class EngineInput:
    """The mentors as they are now and the requests to score, encoded against the same columns."""

    table: MentorTable  # the mentors' static table, which maps mentor ids to rows (`rows_of`)
    mentors: engine.MentorArrays  # every approved mentor, with today's load and pauses
    batch: RequestBatch  # the requests, with the pairs each must never be suggested

    @property
    def taxonomy(self) -> engine.Taxonomy:
        """Labels for the explanations, indexed like the arrays' columns."""
        return self.table.index.taxonomy


def prepare(requests: QuerySet[MentoringRequest], *, today: date | None = None) -> EngineInput:
    """Load the (cached) mentor table, the mentors' current load and pauses, and `requests` encoded against it."""
    table = mentor_table()
    mentors = mentor_arrays(table, today=today)
    return EngineInput(table=table, mentors=mentors, batch=load_requests(requests, table))


def tie_key() -> int:
    """The 64-bit key of the engine's tie order (`engine.rules.tie_codes`), from settings.MATCHING_TIE_KEY: among
    mentors who score the same for a request, the order is a hash of the request and the mentor under this key, so
    it is the same run after run but favours no mentor for their id or sign-up date. Changing the setting reshuffles
    only the ties."""
    secret = str(getattr(settings, "MATCHING_TIE_KEY", "mutuals-matching-ties")).encode()
    return int.from_bytes(hashlib.blake2b(secret, digest_size=8, person=b"matching-ties").digest(), "big")
