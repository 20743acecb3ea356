"""Permission matrix entries for the ambassadors app, and the objects they need.

Access rules (see ambassadors/decorators.py and ambassadors/selectors.py):
- the directory and profile pages are public;
- applying, nominating and engagement requests are for anyone signed in;
- an application, an engagement request or an invitation is seen only by its owner (and staff, for requests):
  everyone else gets 404, as for an id that does not exist;
- the ambassador's own pages are for active ambassadors, and the programme team's tools for the programme team:
  404 for everyone else signed in.

Dana (world.ambassador) is made an appointed ambassador here (world.ambassadors.record). POST data is empty or
invalid, or aimed at objects already in a final state, so allowed personas see the page again with errors (200)
and the world does not change.
"""

from __future__ import annotations

from types import SimpleNamespace

from ambassadors.models import Application, EngagementInvitation, EngagementRequest
from tests.ambassadors.factories import (
    AmbassadorFactory,
    ApplicationFactory,
    CohortFactory,
    EngagementInvitationFactory,
    EngagementRequestFactory,
    NominationFactory,
    make_ambassador,
)
from tests.matrix import LOGIN, Route, expect, public, signed_in


def build(world: SimpleNamespace) -> None:
    # Everything of ours lives under world.ambassadors, so no name clashes with the other apps' builders.
    cohort = CohortFactory(name="Matrix cohort")
    ours = world.ambassadors = SimpleNamespace(cohort=cohort)
    ours.record = make_ambassador(world.ambassador, cohort=cohort)
    ours.other_ambassador = AmbassadorFactory(cohort=cohort, user__email="erin@example.org")
    ours.member_application = ApplicationFactory(cohort=cohort, applicant=world.member)
    ours.withdrawn_application = ApplicationFactory(
        cohort=cohort, applicant=world.member, status=Application.Status.WITHDRAWN
    )
    ours.nomination = NominationFactory(cohort=cohort, nominated_by=world.outsider)
    # The member's requests: one open (suggestions), one with Dana (pending), one Dana accepted, one withdrawn.
    ours.open_request = EngagementRequestFactory(requested_by=world.member)
    ours.invitation = EngagementInvitationFactory(
        request=EngagementRequestFactory(requested_by=world.member, status=EngagementRequest.Status.INVITED),
        ambassador=ours.record,
    )
    ours.accepted_request = EngagementRequestFactory(
        requested_by=world.member, status=EngagementRequest.Status.ACCEPTED
    )
    EngagementInvitationFactory(
        request=ours.accepted_request, ambassador=ours.record, status=EngagementInvitation.Status.ACCEPTED
    )
    ours.withdrawn_request = EngagementRequestFactory(
        requested_by=world.member, status=EngagementRequest.Status.WITHDRAWN
    )


STAFF_ONLY = expect(404, anonymous=LOGIN, staff=200)
AMBASSADOR_ONLY = expect(404, anonymous=LOGIN, ambassador=200)
MEMBER_ONLY = expect(404, anonymous=LOGIN, member=200)
MEMBER_AND_STAFF = expect(404, anonymous=LOGIN, member=200, staff=200)
AMBASSADOR_AND_STAFF = expect(404, anonymous=LOGIN, ambassador=200, staff=200)

ROUTES = [
    Route("ambassadors:directory", get=public()),
    Route("ambassadors:profile", get=public(), kwargs=lambda w: {"pk": w.ambassadors.record.pk}),
    # The matrix ambassador has no photo: everyone gets the same 404 (tests/ambassadors/test_profiles.py serves one).
    Route("ambassadors:photo", get=public(404), kwargs=lambda w: {"pk": w.ambassadors.record.pk}),
    Route("ambassadors:apply_start", get=signed_in()),
    Route(
        "ambassadors:application_create",
        get=signed_in(),
        post=signed_in(),
        kwargs=lambda w: {"cohort_pk": w.ambassadors.cohort.pk},
    ),
    Route(
        "ambassadors:nominate",
        get=signed_in(),
        post=signed_in(),
        kwargs=lambda w: {"cohort_pk": w.ambassadors.cohort.pk},
    ),
    Route(
        "ambassadors:nomination_accept",
        get=signed_in(),
        post=signed_in(),
        kwargs=lambda w: {"token": w.ambassadors.nomination.token},
    ),
    Route("ambassadors:my_applications", get=signed_in()),
    Route(
        "ambassadors:application_detail", get=MEMBER_ONLY, kwargs=lambda w: {"pk": w.ambassadors.member_application.pk}
    ),
    # Already withdrawn: the member's POST is refused with a message, so nothing changes.
    Route(
        "ambassadors:application_withdraw",
        get=MEMBER_ONLY,
        post=MEMBER_ONLY,
        kwargs=lambda w: {"pk": w.ambassadors.withdrawn_application.pk},
    ),
    Route("ambassadors:profile_edit", get=AMBASSADOR_ONLY, post=AMBASSADOR_ONLY),
    Route("ambassadors:invitation_list", get=AMBASSADOR_ONLY),
    Route(
        "ambassadors:invitation_detail",
        get=AMBASSADOR_ONLY,
        post=AMBASSADOR_ONLY,
        kwargs=lambda w: {"pk": w.ambassadors.invitation.pk},
    ),
    Route("ambassadors:request_list", get=signed_in()),
    Route("ambassadors:request_create", get=signed_in(), post=signed_in()),
    Route(
        "ambassadors:request_detail",
        get=MEMBER_AND_STAFF,
        post=MEMBER_AND_STAFF,
        kwargs=lambda w: {"pk": w.ambassadors.open_request.pk},
    ),
    Route(
        "ambassadors:request_withdraw",
        get=MEMBER_AND_STAFF,
        post=MEMBER_AND_STAFF,
        kwargs=lambda w: {"pk": w.ambassadors.withdrawn_request.pk},
    ),
    Route(
        "ambassadors:engagement_log",
        get=AMBASSADOR_AND_STAFF,
        post=AMBASSADOR_AND_STAFF,
        kwargs=lambda w: {"pk": w.ambassadors.accepted_request.pk},
    ),
    Route("ambassadors:pipeline", get=STAFF_ONLY, post=STAFF_ONLY),
    Route(
        "ambassadors:review",
        get=STAFF_ONLY,
        post=STAFF_ONLY,
        kwargs=lambda w: {"pk": w.ambassadors.member_application.pk},
    ),
    Route("ambassadors:cohort_list", get=STAFF_ONLY),
    Route("ambassadors:cohort_create", get=STAFF_ONLY, post=STAFF_ONLY),
    Route("ambassadors:cohort_edit", get=STAFF_ONLY, post=STAFF_ONLY, kwargs=lambda w: {"pk": w.ambassadors.cohort.pk}),
    Route(
        "ambassadors:stand_down",
        get=STAFF_ONLY,
        post=STAFF_ONLY,
        kwargs=lambda w: {"pk": w.ambassadors.other_ambassador.pk},
    ),
    Route("ambassadors:emerging_projects", get=STAFF_ONLY),
    Route("ambassadors:emerging_project_add", get=STAFF_ONLY, post=STAFF_ONLY),
    Route("ambassadors:reports", get=STAFF_ONLY),
    Route("ambassadors:reports_csv", get=STAFF_ONLY),
]
