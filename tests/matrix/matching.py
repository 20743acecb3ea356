"""Permission matrix entries for the matching app, and the objects they need.

Access rules:
- a mutual's requests are for its members: everyone else gets 404, as for an id that does not exist; the request
  list and the "ask for a mentor" form answer 403 with an explanation to signed-in people who are not members;
- an introduction is for the mentor it was sent to (404 for everyone else); the list of introductions answers 403
  with an explanation to people who are not mentors;
- programme team tools (needs attention, runs, weights, batch proposals) are 404 for everyone else.

POST data is empty or invalid wherever a form would change something, so allowed personas see the form again with
errors (200). Starting a full run and creating a draft batch are harmless to the other cells: they redirect.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from matching import services
from matching.models import BatchProposal, Introduction, MentoringRequest, ProposedPair
from tests.factories import MentorProfileFactory
from tests.matching.factories import MentoringRequestFactory
from tests.matrix import LOGIN, REDIRECT, Route, expect


def build(world: SimpleNamespace) -> None:
    world.mentoring_request = MentoringRequestFactory(
        mutual=world.mutual, created_by=world.member, title="Help with our business plan"
    )
    world.match_run = services.suggestions_refresh_for_request(request_id=world.mentoring_request.pk)
    introduced = MentoringRequestFactory(
        mutual=world.mutual,
        created_by=world.member,
        title="Help with governance",
        status=MentoringRequest.Status.INTRODUCED,
    )
    world.introduction = Introduction.objects.create(
        request=introduced,
        mentor=world.mentor_profile,
        preference=1,
        status=Introduction.Status.PENDING,
        sent_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=7),
        reasons=["Covers your topic: business planning"],
    )
    # The programme team introduced a mentor (not a persona) to another of the mutual's requests: the mutual may
    # withdraw it.
    by_programme = MentoringRequestFactory(
        mutual=world.mutual, created_by=world.member, title="Help with procurement", status="introduced"
    )
    world.programme_introduction = Introduction.objects.create(
        request=by_programme,
        mentor=MentorProfileFactory(user__email="pat@example.org", user__full_name="Pat Programme Pick"),
        source=Introduction.Source.STAFF,
        status=Introduction.Status.PENDING,
        sent_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=7),
    )
    world.attention_request = MentoringRequestFactory(
        mutual=world.other_mutual, title="Help with TUPE", status=MentoringRequest.Status.NEEDS_ATTENTION
    )
    world.batch = BatchProposal.objects.create(created_by=world.staff, request_count=1, total_score=0.9)
    ProposedPair.objects.create(
        proposal=world.batch,
        request=world.mentoring_request,
        mentor=world.mentor_profile,
        score=0.9,
        reasons=["Works in adult social care"],
    )


MEMBERS_OF_THE_MUTUAL = expect(404, anonymous=LOGIN, member=200)
ANY_MEMBER = expect(403, anonymous=LOGIN, member=200)
THE_MENTOR = expect(404, anonymous=LOGIN, mentor=200)
ANY_MENTOR = expect(403, anonymous=LOGIN, mentor=200)
STAFF_ONLY = expect(404, anonymous=LOGIN, staff=200)
STAFF_REDIRECT = expect(404, anonymous=LOGIN, staff=REDIRECT)


def _request(world: SimpleNamespace) -> dict[str, Any]:
    return {"pk": world.mentoring_request.pk}


def _introduction(world: SimpleNamespace) -> dict[str, Any]:
    return {"pk": world.introduction.pk}


def _attention(world: SimpleNamespace) -> dict[str, Any]:
    return {"pk": world.attention_request.pk}


def _batch(world: SimpleNamespace) -> dict[str, Any]:
    return {"pk": world.batch.pk}


def _run(world: SimpleNamespace) -> dict[str, Any]:
    return {"pk": world.match_run.pk}


ROUTES = [
    # The mutual's requests
    Route("matching:request_list", get=ANY_MEMBER),
    Route("matching:request_create", get=ANY_MEMBER, post=ANY_MEMBER),
    Route("matching:request_detail", get=MEMBERS_OF_THE_MUTUAL, kwargs=_request),
    Route("matching:request_edit", get=MEMBERS_OF_THE_MUTUAL, post=MEMBERS_OF_THE_MUTUAL, kwargs=_request),
    Route("matching:request_withdraw", get=MEMBERS_OF_THE_MUTUAL, post=MEMBERS_OF_THE_MUTUAL, kwargs=_request),
    Route("matching:request_choose", get=MEMBERS_OF_THE_MUTUAL, post=MEMBERS_OF_THE_MUTUAL, kwargs=_request),
    Route(
        "matching:introduction_withdraw",
        get=MEMBERS_OF_THE_MUTUAL,
        post=expect(404, anonymous=LOGIN, member=REDIRECT),
        kwargs=lambda w: {
            "pk": w.programme_introduction.request_id,
            "introduction_pk": w.programme_introduction.pk,
        },
    ),
    # The mentor's introductions
    Route("matching:introduction_list", get=ANY_MENTOR),
    Route("matching:introduction_detail", get=THE_MENTOR, kwargs=_introduction),
    Route("matching:introduction_accept", get=None, post=THE_MENTOR, kwargs=_introduction),
    Route("matching:introduction_decline", get=THE_MENTOR, post=THE_MENTOR, kwargs=_introduction),
    # Programme team
    Route("matching:attention_queue", get=STAFF_ONLY),
    Route("matching:staff_request_detail", get=STAFF_ONLY, kwargs=_attention),
    Route("matching:staff_introduce", get=None, post=STAFF_ONLY, kwargs=_attention),
    Route("matching:staff_no_match", get=None, post=STAFF_ONLY, kwargs=_attention),
    Route("matching:run_list", get=STAFF_ONLY),
    Route("matching:run_start", get=None, post=STAFF_REDIRECT),
    Route("matching:run_detail", get=STAFF_ONLY, kwargs=_run),
    Route("matching:run_status", get=STAFF_ONLY, kwargs=_run),
    Route("matching:weights", get=STAFF_ONLY, post=STAFF_ONLY),
    Route("matching:batch_list", get=STAFF_ONLY),
    Route("matching:batch_create", get=None, post=STAFF_REDIRECT),
    Route("matching:batch_detail", get=STAFF_ONLY, kwargs=_batch),
    Route("matching:batch_remove_pair", get=None, post=STAFF_ONLY, kwargs=_batch),
    Route("matching:batch_publish", get=None, post=STAFF_ONLY, kwargs=_batch),
    Route("matching:batch_discard", get=None, post=STAFF_ONLY, kwargs=_batch),
]
