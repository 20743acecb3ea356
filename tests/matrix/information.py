"""Permission matrix entries for the information service, and the objects they need.

Access rules:
- the guide, guidance, case studies, the contact and feedback forms and the readiness check are public (a draft
  guidance page or case study is a 404 for everyone at its public address; the programme team previews it
  elsewhere);
- saving a readiness check is for members of a mutual (a 403 page explains it to others);
- an enquiry's invitation needs sign-in; anyone signed in sees the page, but only the person signed in with the
  enquiry's address gets the form (others are told why not);
- the triage queue and the content pages are the programme team's: 404 for everyone else.

POST data is empty or aimed at objects in a state the action refuses, so the world does not change, except where
a route's own objects are made for it (the task removed, the check saved).
"""

from __future__ import annotations

from types import SimpleNamespace

from information import readiness
from information.models import CaseStudy, Enquiry, Resource
from messaging.models import Relationship
from tests.information.factories import (
    CaseStudyFactory,
    EnquiryFactory,
    EnquiryInvitationFactory,
    GuideTaskFactory,
    ResourceFactory,
)
from tests.matrix import LOGIN, REDIRECT, Route, expect, public, signed_in
from tests.messaging.factories import RelationshipFactory

ANSWERS = "&".join(f"{question.key}={question.answers[1].value}" for question in readiness.QUESTIONS)


def build(world: SimpleNamespace) -> None:
    ours = world.information = SimpleNamespace()
    ours.resource = ResourceFactory(title="TUPE: a guide", slug="tupe-a-guide")
    # No topics: publishing it is refused, so its publish route changes nothing.
    ours.draft = ResourceFactory(slug="draft-page", status=Resource.Status.DRAFT, published_at=None, topics=[])
    ours.task = GuideTaskFactory(resource=ours.resource)
    ours.removable_task = GuideTaskFactory(title="A task the matrix removes")
    ours.case_study = CaseStudyFactory(slug="riverside-care")
    ours.draft_case_study = CaseStudyFactory(
        slug="draft-story", status=CaseStudy.Status.DRAFT, published_at=None, consent_recorded_at=None
    )
    ours.enquiry = EnquiryFactory(email=world.member.email)
    ours.closed_enquiry = EnquiryFactory(status=Enquiry.Status.CLOSED, closed_at=ours.enquiry.created_at)
    ours.invitation = EnquiryInvitationFactory(enquiry=ours.enquiry)
    # Active, not completed: drafting a case study from it is refused.
    ours.relationship = RelationshipFactory(mutual=world.other_mutual, status=Relationship.Status.ACTIVE)


STAFF_ONLY = expect(404, anonymous=LOGIN, staff=200)
STAFF_POST = expect(404, anonymous=LOGIN, staff=REDIRECT)


def ours(world: SimpleNamespace) -> SimpleNamespace:
    return world.information  # type: ignore[no-any-return]


ROUTES = [
    # Public
    Route("information:guide", get=public(), post=public(405)),
    Route("information:resource_list", get=public(), post=public(405), query="?q=tupe&topic=business-planning"),
    Route("information:resource_detail", get=public(), kwargs=lambda w: {"slug": ours(w).resource.slug}),
    Route("information:case_study_list", get=public(), query="?region=north-west"),
    Route("information:case_study_detail", get=public(), kwargs=lambda w: {"slug": ours(w).case_study.slug}),
    Route("information:enquiry_create", get=public(), post=public()),
    Route("information:enquiry_sent", get=public(), post=public(405)),
    Route("information:feedback", get=public(), post=public()),
    Route("information:feedback_sent", get=public()),
    Route("information:readiness_start", get=public()),
    Route("information:readiness_question", get=public(), kwargs=lambda w: {"key": "pensions"}),
    Route("information:readiness_check", get=public(), query=f"?{ANSWERS}"),
    Route("information:readiness_result", get=public(), query=f"?{ANSWERS}"),
    Route(
        "information:readiness_save",
        get=None,
        post=expect(403, anonymous=LOGIN, member=REDIRECT),
        post_data=lambda w: {**dict(pair.split("=") for pair in ANSWERS.split("&")), "mutual": w.mutual.pk},
    ),
    Route(
        "information:invitation",
        get=signed_in(),
        post=signed_in(),
        kwargs=lambda w: {"token": ours(w).invitation.token},
    ),
    # The programme team: enquiries
    Route("information:enquiry_queue", get=STAFF_ONLY, query="?show=overdue"),
    Route("information:enquiry_detail", get=STAFF_ONLY, kwargs=lambda w: {"pk": ours(w).enquiry.pk}),
    Route("information:enquiry_assign", get=None, post=STAFF_POST, kwargs=lambda w: {"pk": ours(w).enquiry.pk}),
    Route("information:enquiry_reply", get=STAFF_ONLY, post=STAFF_ONLY, kwargs=lambda w: {"pk": ours(w).enquiry.pk}),
    Route(
        "information:enquiry_close", get=STAFF_ONLY, post=STAFF_ONLY, kwargs=lambda w: {"pk": ours(w).closed_enquiry.pk}
    ),
    Route("information:enquiry_reopen", get=None, post=STAFF_POST, kwargs=lambda w: {"pk": ours(w).enquiry.pk}),
    Route("information:enquiry_invite", get=STAFF_ONLY, post=STAFF_ONLY, kwargs=lambda w: {"pk": ours(w).enquiry.pk}),
    # The programme team: guidance pages
    Route("information:resource_staff_list", get=STAFF_ONLY),
    Route("information:resource_create", get=STAFF_ONLY, post=STAFF_ONLY),
    Route("information:resource_review_list", get=STAFF_ONLY),
    Route("information:resource_preview", get=STAFF_ONLY, kwargs=lambda w: {"pk": ours(w).draft.pk}),
    Route("information:resource_edit", get=STAFF_ONLY, post=STAFF_ONLY, kwargs=lambda w: {"pk": ours(w).draft.pk}),
    Route("information:resource_publish", get=STAFF_ONLY, post=STAFF_ONLY, kwargs=lambda w: {"pk": ours(w).draft.pk}),
    Route("information:resource_unpublish", get=STAFF_ONLY, post=STAFF_ONLY, kwargs=lambda w: {"pk": ours(w).draft.pk}),
    Route("information:resource_reviewed", get=None, post=STAFF_POST, kwargs=lambda w: {"pk": ours(w).draft.pk}),
    # The programme team: the guide's tasks
    Route("information:guide_manage", get=STAFF_ONLY),
    Route("information:guide_task_create", get=STAFF_ONLY, post=STAFF_ONLY),
    Route("information:guide_task_edit", get=STAFF_ONLY, post=STAFF_ONLY, kwargs=lambda w: {"pk": ours(w).task.pk}),
    Route(
        "information:guide_task_delete",
        get=STAFF_ONLY,
        post=STAFF_POST,
        kwargs=lambda w: {"pk": ours(w).removable_task.pk},
    ),
    # The programme team: case studies
    Route("information:case_study_staff_list", get=STAFF_ONLY),
    Route("information:case_study_create", get=STAFF_ONLY, post=STAFF_ONLY),
    Route(
        "information:case_study_draft",
        get=None,
        post=STAFF_POST,
        kwargs=lambda w: {"relationship_pk": ours(w).relationship.pk},
    ),
    Route("information:case_study_preview", get=STAFF_ONLY, kwargs=lambda w: {"pk": ours(w).draft_case_study.pk}),
    Route(
        "information:case_study_edit",
        get=STAFF_ONLY,
        post=STAFF_ONLY,
        kwargs=lambda w: {"pk": ours(w).draft_case_study.pk},
    ),
    Route(
        "information:case_study_consent",
        get=STAFF_ONLY,
        post=STAFF_ONLY,
        kwargs=lambda w: {"pk": ours(w).draft_case_study.pk},
    ),
    Route(
        "information:case_study_consent_withdraw",
        get=STAFF_ONLY,
        post=STAFF_ONLY,
        kwargs=lambda w: {"pk": ours(w).draft_case_study.pk},
    ),
    Route(
        "information:case_study_publish",
        get=STAFF_ONLY,
        post=STAFF_ONLY,
        kwargs=lambda w: {"pk": ours(w).draft_case_study.pk},
    ),
    Route(
        "information:case_study_unpublish",
        get=STAFF_ONLY,
        post=STAFF_ONLY,
        kwargs=lambda w: {"pk": ours(w).draft_case_study.pk},
    ),
]
