"""Writing a ranking: both write paths (COPY on PostgreSQL, bulk upsert elsewhere) give the same rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import MentorProfile
from matching import persistence
from matching.models import MatchRun, MentoringRequest, Suggestion
from tests.conftest import skip_or_fail
from tests.factories import MentorProfileFactory
from tests.matching.factories import MentoringRequestFactory

pytestmark = pytest.mark.django_db

# Characters COPY's text format treats specially, JSON escapes, quotes and non-ASCII text.
AWKWARD = ["back\\slash \\N", "tab\there", "new\nline", 'a "quote"', "Żółć 🐝", "\\."]


def _copy(**kwargs: Any) -> int:
    if connection.vendor != "postgresql":
        skip_or_fail("The COPY path needs PostgreSQL: set DATABASE_URL to a PostgreSQL database")
    text = "".join(persistence._copy_lines(kwargs["ranked"]))
    return persistence._store_with_copy(text=text, **kwargs)


@pytest.fixture(params=["portable", "copy"])
def store(request: pytest.FixtureRequest) -> Callable[..., int]:
    return persistence._store_portable if request.param == "portable" else _copy


def ranked(rows: list[tuple[MentoringRequest, MentorProfile, int, float, list[str]]]) -> persistence.Ranked:
    return persistence.Ranked(
        request_ids=[request.pk for request, *_ in rows],
        mentor_ids=[mentor.pk for _, mentor, *_ in rows],
        ranks=[rank for _, _, rank, *_ in rows],
        scores=[score for *_, score, _ in rows],
        components=[(1.0, 0.5, 0.6, 0.0, 1.0, 0.0) for _ in rows],
        reasons=[reasons for *_, reasons in rows],
    )


def test_a_new_ranking_updates_changed_rows_only_and_keeps_history(store: Callable[..., int]) -> None:
    request, other_request = MentoringRequestFactory(), MentoringRequestFactory()
    kept, moved, dropped, back, new = (MentorProfileFactory() for _ in range(5))
    old_run = MatchRun.objects.create(kind=MatchRun.Kind.FULL)
    new_run = MatchRun.objects.create(kind=MatchRun.Kind.FULL)
    components = {"service_area": 1.0, "topics": 0.5, "region": 0.6, "stage": 0.0, "capacity": 1.0, "recent_stage": 0.0}

    def existing(mentor: MentorProfile, state: str, rank: int | None, for_request: MentoringRequest = request) -> int:
        return Suggestion.objects.create(
            request=for_request,
            mentor=mentor,
            state=state,
            rank=rank,
            score=0.8,
            components=components,
            reasons=["Old"],
            run=old_run,
        ).pk

    existing(kept, "current", 1)
    Suggestion.objects.filter(mentor=kept).update(reasons=AWKWARD)
    existing(moved, "current", 2)
    existing(dropped, "current", 3)
    existing(back, "stale", None)
    outside = existing(dropped, "current", 1, for_request=other_request)  # not in this run's scope

    written = store(
        run=new_run,
        scope=[request.pk],
        ranked=ranked(
            [
                (request, kept, 1, 0.8, AWKWARD),
                (request, new, 2, 0.75, ["Covers your topic: TUPE"]),
                (request, moved, 3, 0.8, ["Old"]),
                (request, back, 4, 0.5, ["Has room for 2 more mutuals"]),
            ]
        ),
        now=timezone.now(),
    )
    rows = {
        mentor_id: (state, rank, run_id, reasons)
        for mentor_id, state, rank, run_id, reasons in Suggestion.objects.filter(request=request).values_list(
            "mentor_id", "state", "rank", "run_id", "reasons"
        )
    }
    assert rows == {
        kept.pk: ("current", 1, old_run.pk, AWKWARD),  # unchanged: not rewritten
        new.pk: ("current", 2, new_run.pk, ["Covers your topic: TUPE"]),
        moved.pk: ("current", 3, new_run.pk, ["Old"]),
        back.pk: ("current", 4, new_run.pk, ["Has room for 2 more mutuals"]),
        dropped.pk: ("stale", None, old_run.pk, ["Old"]),
    }
    assert written == 4  # new, moved and back upserted; dropped marked stale
    assert Suggestion.objects.get(pk=outside).state == "current"


def test_store_chooses_copy_for_large_writes_on_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(persistence, "_store_with_copy", lambda **kwargs: calls.append("copy") or 0)
    monkeypatch.setattr(persistence, "_store_portable", lambda **kwargs: calls.append("portable") or 0)
    monkeypatch.setattr(persistence, "COPY_THRESHOLD", 2)
    run = MatchRun.objects.create(kind=MatchRun.Kind.FULL)
    request = MentoringRequestFactory()
    mentor = MentorProfileFactory()
    other = MentorProfileFactory()
    one = ranked([(request, mentor, 1, 0.5, [])])
    two = ranked([(request, mentor, 1, 0.5, []), (request, other, 2, 0.4, [])])
    persistence.store(run=run, scope=[request.pk], ranked=one, now=timezone.now())
    persistence.store(run=run, scope=[request.pk], ranked=two, now=timezone.now())
    expected_large = "copy" if connection.vendor == "postgresql" else "portable"
    assert calls == ["portable", expected_large]


def test_an_unchanged_ranking_is_skipped_by_its_digest_and_missing_rows_are_noticed() -> None:
    request = MentoringRequestFactory()
    first, second = MentorProfileFactory(), MentorProfileFactory()
    ranking = ranked([(request, first, 1, 0.9, ["Works in adult social care"]), (request, second, 2, 0.7, [])])
    run = MatchRun.objects.create(kind=MatchRun.Kind.FULL)
    assert persistence.store(run=run, scope=[request.pk], ranked=ranking, now=timezone.now()) == 2
    request.refresh_from_db()
    assert len(request.ranking_digest) == 32
    assert persistence.store(run=run, scope=[request.pk], ranked=ranking, now=timezone.now()) == 0
    # A row deleted behind the digest's back (say by hand) changes the count, so the ranking is written again.
    Suggestion.objects.filter(mentor=second).delete()
    assert persistence.store(run=run, scope=[request.pk], ranked=ranking, now=timezone.now()) == 1
    assert Suggestion.objects.filter(request=request, state="current").count() == 2
    # No pairs at all: the current ones go stale.
    empty = ranked([])
    assert persistence.store(run=run, scope=[request.pk], ranked=empty, now=timezone.now()) == 2
    assert not Suggestion.objects.filter(request=request, state="current").exists()
