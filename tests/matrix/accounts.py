"""Permission matrix entries for the accounts app, and the objects they need.

Access rules (see accounts/decorators.py):
- anonymous visitors are sent to sign in, except on the public mutuals directory;
- a mutual's own pages are for its members: everyone else gets 404, as for a slug that does not exist;
- the mentor directory is for mutual members and the programme team: others get a 403 page that explains why;
- programme team tools (vetting, lists, requests to claim a mutual) are 404 for everyone else;
- the session time-out warning's endpoints answer anyone signed in;
- the account area (notices, email choices, personal data) is each person's own; the emailed unsubscribe link
  works for anyone who holds it.

POST data is empty or invalid wherever a form would change something, so allowed personas see the form again
with errors (200) and the world stays as the other modules expect it.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from accounts.models import MentorProfile, MutualClaimRequest, MutualInvitation, ServiceArea, SupportTopic
from notifications.models import Category, Notice
from notifications.rendering import unsubscribe_token
from tests.factories import MembershipFactory, MentorProfileFactory, MutualFactory
from tests.matrix import LOGIN, REDIRECT, Route, expect, public, signed_in


def build(world: SimpleNamespace) -> None:
    world.mutual = world.member.mutuals.get()
    world.other_mutual = MembershipFactory(mutual__name="Hillside Fire Mutual", user__email="olivia@example.org").mutual
    world.mentor_profile = world.mentor.mentor_profile
    world.pending_mentor = MentorProfileFactory(
        user__email="priya@example.org", user__full_name="Priya Pending", status=MentorProfile.Status.PENDING
    )
    world.member_notice = Notice.objects.create(
        user=world.member, event="legacy", kind=Notice.Kind.MESSAGE, params={"text": "New messages"}, url="/"
    )
    # Sent to someone who is none of the personas, so no persona can accept it.
    world.invitation = MutualInvitation.objects.create(
        mutual=world.mutual,
        email="new.colleague@example.org",
        invited_by=world.member,
        expires_at=timezone.now() + timedelta(days=14),
    )
    # Only the revoke route touches this one.
    world.revocable_invitation = MutualInvitation.objects.create(
        mutual=world.mutual,
        email="another.colleague@example.org",
        invited_by=world.member,
        expires_at=timezone.now() + timedelta(days=14),
    )
    # Claiming: an unclaimed mutual that is listed (so anyone signed in may ask to claim it), a claim invitation to
    # none of the personas, and a request by the outsider.
    world.unclaimed = MutualFactory(name="Northshire Youth Services", listed_publicly=True, created_by=None)
    world.claim_invitation = MutualInvitation.objects.create(
        mutual=world.unclaimed,
        kind=MutualInvitation.Kind.CLAIM,
        email="nia@northshire.example.org",
        invited_by=world.staff,
        expires_at=timezone.now() + timedelta(days=14),
    )
    world.claim_request = MutualClaimRequest.objects.create(
        mutual=world.unclaimed, requested_by=world.outsider, job_title="Volunteer"
    )
    # Only the withdraw/reinstate routes touch these.
    world.matrix_service_area = ServiceArea.objects.create(name="Matrix service area", slug="matrix-service-area")
    world.matrix_topic = SupportTopic.objects.create(name="Matrix topic", slug="matrix-topic", is_active=False)


# Member-only pages of world.mutual: Alice sees them, everyone else gets 404.
MEMBERS_ONLY = expect(404, anonymous=LOGIN, member=200)
STAFF_ONLY = expect(404, anonymous=LOGIN, staff=200)
DIRECTORY_READERS = expect(403, anonymous=LOGIN, member=200, staff=200)
# The mentor's own-profile pages: Bob (the only persona with a profile) sees them; the rest get 404.
MENTOR_ONLY = expect(404, anonymous=LOGIN, mentor=200)


def _mutual(world: SimpleNamespace) -> dict[str, str]:
    return {"slug": world.mutual.slug}


ROUTES = [
    Route("accounts:dashboard", get=signed_in()),
    Route("accounts:onboarding", get=signed_in(), post=signed_in(200)),
    # Mutuals
    Route("accounts:mutual_directory", get=public()),
    Route("accounts:mutual_create", get=signed_in(), post=signed_in(200)),
    Route("accounts:mutual_detail", get=MEMBERS_ONLY, kwargs=_mutual),
    Route("accounts:mutual_edit", get=MEMBERS_ONLY, post=MEMBERS_ONLY, kwargs=_mutual),
    Route("accounts:mutual_stage", get=MEMBERS_ONLY, post=MEMBERS_ONLY, kwargs=_mutual),
    Route(
        "accounts:mutual_members",
        get=MEMBERS_ONLY,
        post=MEMBERS_ONLY,
        kwargs=_mutual,
        post_data=lambda w: {"email": "not an email"},
    ),
    Route("accounts:membership_leave", get=MEMBERS_ONLY, post=MEMBERS_ONLY, kwargs=_mutual),
    Route(
        "accounts:invitation_revoke",
        get=None,
        post=expect(404, anonymous=LOGIN, member=REDIRECT),
        kwargs=lambda w: {"slug": w.mutual.slug, "invitation_id": w.revocable_invitation.pk},
    ),
    Route(
        "accounts:invitation_accept",
        get=signed_in(),
        post=signed_in(200),
        kwargs=lambda w: {"token": w.invitation.token},
    ),
    # Claiming a mutual nobody has joined: inviting is for the programme team (and the ambassador who spotted it,
    # none here); asking is for anyone signed in (the outsider has asked already: the page says so, 200).
    Route(
        "accounts:claim_invite",
        get=STAFF_ONLY,
        post=STAFF_ONLY,
        kwargs=lambda w: {"slug": w.unclaimed.slug},
        post_data=lambda w: {"email": "not an email"},
    ),
    Route(
        "accounts:claim_invitation_withdraw",
        get=None,
        post=expect(404, anonymous=LOGIN, staff=REDIRECT),
        kwargs=lambda w: {"slug": w.unclaimed.slug, "invitation_id": w.claim_invitation.pk},
    ),
    Route(
        "accounts:claim_ask",
        get=signed_in(),
        post=signed_in(200),
        kwargs=lambda w: {"slug": w.unclaimed.slug},
        post_data=lambda w: {"job_title": ""},
    ),
    Route("accounts:claim_request_list", get=STAFF_ONLY),
    Route(
        "accounts:claim_request_decide",
        get=STAFF_ONLY,
        post=STAFF_ONLY,
        kwargs=lambda w: {"pk": w.claim_request.pk},
    ),
    # Mentors
    Route("accounts:mentor_directory", get=DIRECTORY_READERS),
    Route(
        "accounts:mentor_detail",
        get=DIRECTORY_READERS,
        kwargs=lambda w: {"profile_id": w.mentor_profile.pk},
    ),
    # The code of conduct and handbook are public; only mentors accept the code (Bob has: the page says so).
    Route("accounts:code_of_conduct", get=public()),
    Route("accounts:code_of_conduct_accept", get=MENTOR_ONLY, post=MENTOR_ONLY),
    Route("accounts:mentor_handbook", get=public()),
    Route("accounts:mentor_profile", get=signed_in(REDIRECT, mentor=200)),
    Route("accounts:mentor_profile_create", get=signed_in(200, mentor=REDIRECT), post=signed_in(200, mentor=REDIRECT)),
    Route("accounts:mentor_profile_edit", get=MENTOR_ONLY, post=MENTOR_ONLY),
    Route("accounts:mentor_pause", get=MENTOR_ONLY, post=MENTOR_ONLY),
    # Bob is not paused, so resuming changes nothing and redirects with a message.
    Route("accounts:mentor_resume", get=None, post=expect(404, anonymous=LOGIN, mentor=REDIRECT)),
    # The account area: notices, email choices, the emailed unsubscribe link, personal data
    Route("accounts:notice_list", get=signed_in()),
    Route("accounts:notice_read_all", get=None, post=signed_in(REDIRECT)),
    Route(
        "accounts:notice_read",
        get=None,
        post=expect(404, anonymous=LOGIN, member=REDIRECT),
        kwargs=lambda w: {"pk": w.member_notice.pk},
    ),
    Route(
        "accounts:email_preferences",
        get=signed_in(),
        post=signed_in(200),
        post_data=lambda w: {"wanted": "no-such-category"},
    ),
    # The link works without signing in: the signed token says whose emails to stop.
    Route(
        "accounts:unsubscribe",
        get=public(),
        post=public(),
        kwargs=lambda w: {"token": unsubscribe_token(w.member.pk, Category.PROGRAMME)},
    ),
    Route("accounts:personal_data", get=signed_in()),
    Route("accounts:personal_data_download", get=signed_in()),
    Route("accounts:account_delete", get=signed_in(), post=signed_in(200)),
    # The session time-out warning's JSON: how long is left (GET only), and "stay signed in" (POST only).
    Route("accounts:session_status", get=signed_in()),
    Route("accounts:session_extend", get=None, post=signed_in()),
    # Programme team
    Route("accounts:vetting_queue", get=STAFF_ONLY),
    Route(
        "accounts:vetting_detail",
        get=STAFF_ONLY,
        post=STAFF_ONLY,
        kwargs=lambda w: {"profile_id": w.pending_mentor.pk},
    ),
    Route("accounts:taxonomy", get=STAFF_ONLY),
    Route("accounts:service_area_add", get=STAFF_ONLY, post=STAFF_ONLY),
    Route("accounts:topic_add", get=STAFF_ONLY, post=STAFF_ONLY),
    Route(
        "accounts:taxonomy_deactivate",
        get=None,
        post=expect(404, anonymous=LOGIN, staff=REDIRECT),
        kwargs=lambda w: {"kind": "service-areas", "term_id": w.matrix_service_area.pk},
    ),
    Route(
        "accounts:taxonomy_reactivate",
        get=None,
        post=expect(404, anonymous=LOGIN, staff=REDIRECT),
        kwargs=lambda w: {"kind": "topics", "term_id": w.matrix_topic.pk},
    ),
]
