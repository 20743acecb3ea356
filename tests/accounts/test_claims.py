"""Claiming a mutual nobody has joined yet: invited by the programme team (or the ambassador who spotted it), or asked
for by a signed-in person and approved by the programme team. A mutual is claimed once and keeps its history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import claims, pipeline
from accounts.models import Membership, Mutual, MutualClaimRequest, MutualInvitation, StageChange, User
from notifications.models import Notice
from tests.ambassadors.factories import EngagementFactory, make_ambassador
from tests.clients import ClientFor
from tests.factories import UserFactory, region, service_area, stage
from tests.notifications.outbox import notice_texts, written

pytestmark = pytest.mark.django_db

NEW_ADDRESS = "nia@northshire.example.org"


@pytest.fixture
def unclaimed(staff: User) -> Mutual:
    """An emerging project on the pipeline, moved on a stage once, with nobody from it on the service."""
    mutual = pipeline.mutual_add_unclaimed(
        added_by=staff, name="Northshire Youth Services", region=region(), service_areas=[service_area()]
    )
    pipeline.mutual_stage_move(mutual=mutual, to_stage=stage(), moved_by=staff)
    return mutual


@pytest.fixture
def nia(db) -> User:  # type: ignore[no-untyped-def]
    """Works at the unclaimed mutual; has an account with the address she is invited at."""
    return UserFactory(email=NEW_ADDRESS, full_name="Nia Newcomer")


def _history(mutual: Mutual) -> list[tuple[object, ...]]:
    return list(StageChange.objects.filter(mutual=mutual).order_by("pk").values_list("pk", "to_stage", "ended_at"))


def _invite_url(mutual: Mutual) -> str:
    return reverse("accounts:claim_invite", kwargs={"slug": mutual.slug})


def _accept_url(invitation: MutualInvitation) -> str:
    return reverse("accounts:invitation_accept", kwargs={"token": invitation.token})


def _invitation(mutual: Mutual, inviter: User, email: str = NEW_ADDRESS, **fields: object) -> MutualInvitation:
    values: dict[str, object] = {"expires_at": timezone.now() + timedelta(days=14), **fields}
    return MutualInvitation.objects.create(
        mutual=mutual, kind=MutualInvitation.Kind.CLAIM, email=email, invited_by=inviter, **values
    )


# --- Invited to claim ----------------------------------------------------------------------------------------------


def test_staff_invite_someone_who_signs_in_accepts_and_becomes_the_first_member_with_the_history_kept(
    unclaimed: Mutual, staff: User, nia: User, client_for: ClientFor, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://mentoring.example.org"
    other_staff = UserFactory(email="tess@example.org", is_programme_team=True)
    history = _history(unclaimed)

    staff_client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(_invite_url(unclaimed), {"email": " Nia@Northshire.example.org "})

    assert response.status_code == 302
    invitation = MutualInvitation.objects.get(kind=MutualInvitation.Kind.CLAIM)
    assert (invitation.email, invitation.invited_by, invitation.mutual) == (NEW_ADDRESS, staff, unclaimed)
    [email] = written("mutual_claim_invitation")
    assert email.to_address == NEW_ADDRESS
    page = staff_client.get(_invite_url(unclaimed)).content.decode()
    assert "We are emailing nia@northshire.example.org a link to claim Northshire Youth Services." in page
    assert "Waiting, expires" in page

    # Not signed in: the link sends her to sign in (or sign up) and back.
    anonymous = Client().get(_accept_url(invitation))
    assert anonymous.status_code == 302 and "/account/login/" in anonymous["Location"]
    assert "next=" in anonymous["Location"]

    client = client_for(nia)
    page = client.get(_accept_url(invitation)).content.decode()
    assert "Claim Northshire Youth Services" in page and "Sam Staff has invited you to claim" in page
    response = client.post(_accept_url(invitation))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mutual_detail", kwargs={"slug": unclaimed.slug})
    assert list(unclaimed.memberships.values_list("user", flat=True)) == [nia.pk]
    invitation.refresh_from_db()
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (nia, True)
    assert _history(unclaimed) == history  # claiming changes the members, not the pipeline record
    unclaimed.refresh_from_db()
    assert (unclaimed.stage, unclaimed.created_by) == (stage(), staff)
    detail = client.get(response["Location"]).content.decode()
    assert "You have claimed Northshire Youth Services: you are its first member." in detail
    assert notice_texts(other_staff) == ["Nia Newcomer claimed Northshire Youth Services: they are its first member."]
    assert notice_texts(staff) == notice_texts(other_staff)
    assert not Notice.objects.filter(user=nia, event="mutual_claimed").exists()


def test_a_claimed_mutual_cannot_be_claimed_again(
    unclaimed: Mutual, staff: User, nia: User, outsider: User, client_for: ClientFor
) -> None:
    first = _invitation(unclaimed, staff)
    second = _invitation(unclaimed, staff, email=outsider.email)
    client_for(nia).post(_accept_url(first))

    response = client_for(outsider).post(_accept_url(second))

    assert response.status_code == 200
    assert "Northshire Youth Services has already been claimed" in response.content.decode()
    assert list(unclaimed.memberships.values_list("user", flat=True)) == [nia.pk]
    second.refresh_from_db()
    assert second.revoked_at is not None  # the other links stopped working when it was claimed
    # Nor can anyone send a new invitation to claim it, or call the service on an old one.
    refused = client_for(staff).post(_invite_url(unclaimed), {"email": "late@example.org"})
    assert refused.status_code == 200
    assert "has already been claimed" in refused.content.decode()
    assert MutualInvitation.objects.filter(email="late@example.org").count() == 0
    with pytest.raises(claims.ClaimError, match="already been claimed"):
        claims.claim_invitation_accept(invitation=_invitation(unclaimed, staff, email=outsider.email), user=outsider)
    assert unclaimed.memberships.count() == 1


def test_an_expired_invitation_cannot_be_used(unclaimed: Mutual, staff: User, nia: User, client_for: ClientFor) -> None:
    invitation = _invitation(unclaimed, staff, expires_at=timezone.now() - timedelta(minutes=1))

    response = client_for(nia).post(_accept_url(invitation))

    assert response.status_code == 200
    assert "This invitation expired on" in response.content.decode()
    assert not Membership.objects.filter(mutual=unclaimed).exists()


def test_a_withdrawn_invitation_cannot_be_used(
    unclaimed: Mutual, staff: User, nia: User, client_for: ClientFor
) -> None:
    invitation = _invitation(unclaimed, staff)
    url = reverse("accounts:claim_invitation_withdraw", kwargs={"slug": unclaimed.slug, "invitation_id": invitation.pk})

    withdrawn = client_for(staff).post(url)
    response = client_for(nia).post(_accept_url(invitation))

    assert withdrawn.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert response.status_code == 200
    assert "This invitation to claim Northshire Youth Services was withdrawn." in response.content.decode()
    assert not Membership.objects.filter(mutual=unclaimed).exists()
    again = client_for(staff).post(url, follow=True).content.decode()  # a new client: only this message
    assert "was already withdrawn" in again


def test_someone_elses_invitation_cannot_be_used(
    unclaimed: Mutual, staff: User, nia: User, outsider: User, client_for: ClientFor
) -> None:
    invitation = _invitation(unclaimed, staff)

    response = client_for(outsider).post(_accept_url(invitation))

    assert response.status_code == 200
    assert "This invitation was sent to nia@northshire.example.org, but you are signed in as" in (
        response.content.decode()
    )
    assert not Membership.objects.filter(mutual=unclaimed).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.parametrize("persona", ["member", "mentor", "ambassador", "outsider"])
def test_nobody_else_can_invite_someone_to_claim_or_withdraw_an_invitation(
    unclaimed: Mutual, staff: User, personas, persona: str, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    invitation = _invitation(unclaimed, staff)
    client = client_for(getattr(personas, persona))
    withdraw = reverse(
        "accounts:claim_invitation_withdraw", kwargs={"slug": unclaimed.slug, "invitation_id": invitation.pk}
    )

    assert client.get(_invite_url(unclaimed)).status_code == 404
    assert client.post(_invite_url(unclaimed), {"email": "spam@example.org"}).status_code == 404
    assert client.post(withdraw).status_code == 404

    assert MutualInvitation.objects.filter(email="spam@example.org").count() == 0
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    with pytest.raises(claims.ClaimError, match="Only the programme team"):
        claims.claim_invitation_send(mutual=unclaimed, invited_by=getattr(personas, persona), email="x@example.org")


def test_the_ambassador_who_spotted_it_can_invite_someone_to_claim_it(
    unclaimed: Mutual, ambassador: User, nia: User, client_for: ClientFor
) -> None:
    from ambassadors.models import EmergingProject

    engagement = EngagementFactory(ambassador=make_ambassador(ambassador))
    EmergingProject.objects.create(mutual=unclaimed, source_engagement=engagement)
    another = make_ambassador(UserFactory(email="another.ambassador@example.org")).user

    response = client_for(ambassador).post(_invite_url(unclaimed), {"email": NEW_ADDRESS})

    assert response.status_code == 302
    invitation = MutualInvitation.objects.get(kind=MutualInvitation.Kind.CLAIM)
    assert invitation.invited_by == ambassador
    assert client_for(another).get(_invite_url(unclaimed)).status_code == 404
    # Her own page about the engagement links to the invitation page.
    engagement_invitation = engagement.request.invitations.get()
    page = client_for(ambassador).get(reverse("ambassadors:invitation_detail", kwargs={"pk": engagement_invitation.pk}))
    assert f'href="{_invite_url(unclaimed)}"' in page.content.decode()
    client_for(nia).post(_accept_url(invitation))
    assert unclaimed.memberships.get().user == nia


def test_an_invitation_to_join_is_not_an_invitation_to_claim(
    unclaimed: Mutual, staff: User, outsider: User, client_for: ClientFor
) -> None:
    join = MutualInvitation.objects.create(
        mutual=unclaimed, email=outsider.email, invited_by=staff, expires_at=timezone.now() + timedelta(days=1)
    )
    with pytest.raises(claims.ClaimError, match="not an invitation to claim"):
        claims.claim_invitation_accept(invitation=join, user=outsider)
    with pytest.raises(claims.ClaimError):
        claims.claim_invitation_withdraw(invitation=join, withdrawn_by=staff)


# --- Asking to claim a listed mutual -------------------------------------------------------------------------------


@pytest.fixture
def listed(unclaimed: Mutual) -> Mutual:
    Mutual.objects.filter(pk=unclaimed.pk).update(listed_publicly=True, listing_consent_at=timezone.now())
    unclaimed.refresh_from_db()
    return unclaimed


def _ask_url(mutual: Mutual) -> str:
    return reverse("accounts:claim_ask", kwargs={"slug": mutual.slug})


def _decide_url(claim_request: MutualClaimRequest) -> str:
    return reverse("accounts:claim_request_decide", kwargs={"pk": claim_request.pk})


def test_a_signed_in_person_asks_to_claim_a_listed_mutual_and_staff_approve(
    listed: Mutual, staff: User, nia: User, outsider: User, client_for: ClientFor
) -> None:
    directory = Client().get(reverse("accounts:mutual_directory")).content.decode()
    assert "Sign in to ask to claim it." in directory
    signed_in_directory = client_for(nia).get(reverse("accounts:mutual_directory")).content.decode()
    assert f'href="{_ask_url(listed)}"' in signed_in_directory

    nia_client = client_for(nia)
    response = nia_client.post(_ask_url(listed), {"job_title": "Youth work lead", "message": "<b>Hi</b>"})
    client_for(outsider).post(_ask_url(listed), {"job_title": "Volunteer"})

    assert response.status_code == 302
    page = nia_client.get(_ask_url(listed)).content.decode()
    assert "You have asked to claim Northshire Youth Services." in page
    assert "The programme team will tell you their decision." in page
    mine = MutualClaimRequest.objects.get(requested_by=nia)
    assert (mine.status, mine.job_title, mine.message) == ("pending", "Youth work lead", "<b>Hi</b>")
    assert "Nia Newcomer asked to claim Northshire Youth Services." in notice_texts(staff)
    # Asking again changes nothing: the page says it is waiting.
    client_for(nia).post(_ask_url(listed), {"job_title": "Again"})
    assert MutualClaimRequest.objects.filter(requested_by=nia).count() == 1
    listing = client_for(staff).get(reverse("accounts:claim_request_list")).content.decode()
    assert "&lt;b&gt;" not in listing and "Youth work lead" not in listing  # the list shows names, not the message
    decide_page = client_for(staff).get(_decide_url(mine)).content.decode()
    assert "&lt;b&gt;Hi&lt;/b&gt;" in decide_page

    decided = client_for(staff).post(_decide_url(mine), {"decision": "approve"})

    assert decided.status_code == 302
    membership = listed.memberships.get()
    assert (membership.user, membership.job_title) == (nia, "Youth work lead")
    mine.refresh_from_db()
    assert (mine.status, mine.decided_by) == ("approved", staff)
    assert notice_texts(nia)[0] == (
        "Your request to claim Northshire Youth Services was approved: you are now its first member."
    )
    # The other request is closed, and its author told why.
    theirs = MutualClaimRequest.objects.get(requested_by=outsider)
    assert theirs.status == "refused" and "Someone else from the mutual has claimed it" in theirs.reason
    assert notice_texts(outsider)[0] == "Your request to claim Northshire Youth Services was not approved."
    assert {email.recipient for email in written("mutual_claim_decided")} == {nia, outsider}
    # A claimed mutual is no longer offered, nor can it be asked for.
    assert client_for(outsider).get(_ask_url(listed)).status_code == 404
    assert (
        f'href="{_ask_url(listed)}"'
        not in client_for(outsider).get(reverse("accounts:mutual_directory")).content.decode()
    )
    with pytest.raises(claims.ClaimError, match="already decided"):
        claims.claim_request_approve(claim_request=theirs, decided_by=staff)
    assert listed.memberships.count() == 1


def test_refusing_needs_a_reason_which_the_person_is_told(
    listed: Mutual, staff: User, nia: User, client_for: ClientFor
) -> None:
    claim_request = claims.claim_request_make(mutual=listed, user=nia, job_title="Youth work lead")

    missing = client_for(staff).post(_decide_url(claim_request), {"decision": "refuse", "reason": "  "})
    refused = client_for(staff).post(
        _decide_url(claim_request), {"decision": "refuse", "reason": "We could not check."}
    )

    assert missing.status_code == 200
    assert "Enter the reason for not approving this request" in missing.content.decode()
    assert "govuk-error-summary" in missing.content.decode()
    assert refused.status_code == 302
    claim_request.refresh_from_db()
    assert (claim_request.status, claim_request.reason) == ("refused", "We could not check.")
    assert not listed.memberships.exists()
    [email] = written("mutual_claim_decided")
    assert email.recipient == nia


def test_an_unlisted_or_claimed_mutual_cannot_be_asked_for(
    unclaimed: Mutual, mutual: Mutual, outsider: User, client_for: ClientFor
) -> None:
    Mutual.objects.filter(pk=mutual.pk).update(listed_publicly=True)
    client = client_for(outsider)

    for target in (unclaimed, mutual):  # not listed; listed but it has members
        assert client.get(_ask_url(target)).status_code == 404
        assert client.post(_ask_url(target), {"job_title": "Chief"}).status_code == 404
    assert not MutualClaimRequest.objects.exists()
    assert Client().get(_ask_url(unclaimed)).status_code == 302  # anonymous: sign in first


@pytest.mark.parametrize("persona", ["member", "mentor", "ambassador", "outsider"])
def test_only_the_programme_team_decide_requests(
    listed: Mutual, nia: User, personas, persona: str, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    claim_request = claims.claim_request_make(mutual=listed, user=nia, job_title="Youth work lead")
    client = client_for(getattr(personas, persona))

    assert client.get(reverse("accounts:claim_request_list")).status_code == 404
    assert client.post(_decide_url(claim_request), {"decision": "approve"}).status_code == 404

    claim_request.refresh_from_db()
    assert claim_request.status == "pending"
    assert not listed.memberships.exists()
    with pytest.raises(claims.ClaimError, match="Only the programme team"):
        claims.claim_request_approve(claim_request=claim_request, decided_by=getattr(personas, persona))


def test_the_pipeline_page_offers_the_invitation_only_while_unclaimed(
    unclaimed: Mutual, staff: User, nia: User, client_for: ClientFor
) -> None:
    url = reverse("programme:pipeline_mutual", kwargs={"slug": unclaimed.slug})
    assert f'href="{_invite_url(unclaimed)}"' in client_for(staff).get(url).content.decode()

    Membership.objects.create(mutual=unclaimed, user=nia)

    assert f'href="{_invite_url(unclaimed)}"' not in client_for(staff).get(url).content.decode()
    page = client_for(staff).get(_invite_url(unclaimed)).content.decode()
    assert "It cannot be claimed again." in page and "Send invitation" not in page


def test_a_persons_requests_to_claim_are_in_their_data_and_go_with_their_account(listed: Mutual, nia: User) -> None:
    from accounts import personal_data

    claims.claim_request_make(mutual=listed, user=nia, job_title="Youth work lead", message="I run the service.")

    exported = personal_data.personal_data_export(user=nia)["mutual_claim_requests"]
    assert [(item["mutual"], item["role"], item["message"]) for item in exported] == [
        ("Northshire Youth Services", "Youth work lead", "I run the service.")
    ]
    personal_data.account_delete(user=nia)
    assert not MutualClaimRequest.objects.exists()


def test_a_decision_on_a_request_is_in_the_audit_log(
    listed: Mutual, staff: User, nia: User, client_for: ClientFor
) -> None:
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    claim_request = claims.claim_request_make(mutual=listed, user=nia, job_title="Youth work lead")

    client_for(staff).post(_decide_url(claim_request), {"decision": "approve"})

    (entry,) = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(MutualClaimRequest),
        object_pk=str(claim_request.pk),
        action=LogEntry.Action.UPDATE,
    )
    assert entry.actor == staff
    assert entry.changes["status"] == ["pending", "approved"]


def test_the_programme_team_sees_waiting_requests_first(
    listed: Mutual, staff: User, nia: User, outsider: User, mentor: User, client_for: ClientFor
) -> None:
    refused = claims.claim_request_make(mutual=listed, user=mentor, job_title="Mentor")
    claims.claim_request_refuse(claim_request=refused, decided_by=staff, reason="Not from the mutual.")
    first = claims.claim_request_make(mutual=listed, user=nia, job_title="Youth work lead")
    second = claims.claim_request_make(mutual=listed, user=outsider, job_title="Volunteer")

    assert list(claims.claim_requests_for_staff()) == [first, second, refused]
    page = client_for(staff).get(reverse("accounts:claim_request_list")).content.decode()
    assert page.index("Nia Newcomer") < page.index("Charlie Outsider") < page.index("Bob Mentor")
