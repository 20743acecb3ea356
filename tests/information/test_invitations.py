"""An enquiry turned into a next step: the emailed link opens the owning app's form, filled in from the enquiry,
for the person who wrote in (signed in with that address), once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, Mutual, User
from ambassadors.models import EngagementRequest
from information import services
from information.models import Enquiry, EnquiryInvitation
from matching.models import MentoringRequest
from tests.factories import UserFactory, region, service_area, stage, topic
from tests.forms import date_input
from tests.information.factories import EnquiryFactory, EnquiryInvitationFactory
from tests.notifications.outbox import send_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def enquiry(db) -> Enquiry:  # type: ignore[no-untyped-def]
    return EnquiryFactory(
        email="jordan@example.net",
        organisation="Fenland Youth Team",
        service_area=service_area("youth-services"),
        region=region("east-of-england"),
        topic=topic("pensions"),
        question="What happens to our pensions if we spin out?",
    )


@pytest.fixture
def jordan(db) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(email="jordan@example.net", full_name="Jordan Enquirer")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_invitation_email_has_an_absolute_link_that_opens_the_form(
    staff_client: Client, enquiry: Enquiry, jordan: User, settings
) -> None:  # type: ignore[no-untyped-def]
    response = staff_client.post(
        reverse("information:enquiry_invite", kwargs={"pk": enquiry.pk}),
        {"kind": "mutual_request", "message": "Happy to talk it through."},
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.first_response_at is not None) == ("answered", True)
    [email] = send_pending()
    assert email.to == ["jordan@example.net"]
    assert email.subject.startswith("Your next step: ask for a mentor for your mutual")
    assert "Happy to talk it through." in email.body
    link = re.search(r"^(http\S+/enquiry-invitations/\S+/)$", email.body, re.MULTILINE)
    assert link and link.group(1).startswith(settings.SITE_URL)

    # Signed out, the link asks them to sign in first, and comes back.
    path = link.group(1).removeprefix(settings.SITE_URL)
    assert "/account/login/" in Client().get(path)["Location"]

    # Signed in with that address: the mutual form, filled in from the enquiry.
    client = _client(jordan)
    html = client.get(path).content.decode()
    assert "Set up your mutual" in html
    assert 'value="Fenland Youth Team"' in html

    response = client.post(
        path,
        {
            "name": "Fenland Youth Team",
            "service_areas": [service_area("youth-services").pk],
            "region": region("east-of-england").pk,
            "stage": stage("exploring").pk,
            "legal_form": "undecided",
        },
    )
    assert response.status_code == 302
    mutual = Mutual.objects.get(name="Fenland Youth Team")
    assert mutual.memberships.filter(user=jordan).exists()

    # Then the mentoring request, with the topic and the question already in it.
    html = client.get(path).content.decode()
    assert "Ask for a mentor" in html
    assert "What happens to our pensions if we spin out?</textarea>" in html
    assert f'value="{topic("pensions").pk}" checked' in html
    response = client.post(
        path,
        {
            "title": "Help with pensions",
            "topics": [topic("pensions").pk],
            "service_area": service_area("youth-services").pk,
            "format": "either",
            "urgency": "quarter",
            "description": "What happens to our pensions if we spin out?",
        },
    )
    request = MentoringRequest.objects.get()
    assert response["Location"] == reverse("matching:request_detail", kwargs={"pk": request.pk})
    invitation = EnquiryInvitation.objects.get()
    assert (invitation.accepted_by, invitation.result_url) == (jordan, response["Location"])

    # Used once: the link now says so.
    assert "This invitation has already been used." in client.get(path).content.decode()


def test_someone_else_signed_in_cannot_use_it(enquiry: Enquiry, outsider: User) -> None:
    invitation = EnquiryInvitationFactory(enquiry=enquiry)
    url = reverse("information:invitation", kwargs={"token": invitation.token})
    html = _client(outsider).get(url).content.decode()
    assert "This invitation was sent to jordan@example.net, but you are signed in as charlie@example.org" in html
    _client(outsider).post(url, {"name": "Hijack"})
    assert not Mutual.objects.filter(name="Hijack").exists()


def test_an_expired_invitation_says_so(enquiry: Enquiry, jordan: User) -> None:
    invitation = EnquiryInvitationFactory(enquiry=enquiry, expires_at=timezone.now() - timedelta(days=1))
    html = _client(jordan).get(reverse("information:invitation", kwargs={"token": invitation.token})).content.decode()
    assert "This invitation expired on" in html


def test_an_engagement_request_from_an_enquiry(enquiry: Enquiry, jordan: User) -> None:
    invitation = EnquiryInvitationFactory(enquiry=enquiry, kind=EnquiryInvitation.Kind.ENGAGEMENT)
    url = reverse("information:invitation", kwargs={"token": invitation.token})
    client = _client(jordan)
    assert 'value="Fenland Youth Team"' in client.get(url).content.decode()
    start = timezone.localdate() + timedelta(days=20)
    response = client.post(
        url,
        {
            "kind": "talk",
            "title": "Talk to our staff",
            "organisation": "Fenland Youth Team",
            **date_input("preferred_from", start),
            **date_input("preferred_to", start + timedelta(days=10)),
            "region": region("east-of-england").pk,
            "service_area": service_area("youth-services").pk,
            "topics": [topic("pensions").pk],
            "audience_size": 40,
            "description": "A talk about pensions",
        },
    )
    request = EngagementRequest.objects.get()
    assert (request.requested_by, request.title) == (jordan, "Talk to our staff")
    assert response["Location"] == reverse("ambassadors:request_detail", kwargs={"pk": request.pk})


def test_a_mentor_profile_from_an_enquiry_waits_for_vetting(enquiry: Enquiry, jordan: User) -> None:
    invitation = EnquiryInvitationFactory(enquiry=enquiry, kind=EnquiryInvitation.Kind.MENTOR)
    url = reverse("information:invitation", kwargs={"token": invitation.token})
    client = _client(jordan)
    response = client.post(
        url,
        {
            "headline": "Led a youth service spin-out",
            "bio": "Ten years in youth services.",
            "organisation": "Fenland Youth Team",
            "topics": [topic("pensions").pk],
            "service_areas": [service_area("youth-services").pk],
            "region": region("east-of-england").pk,
            "format": "either",
            "capacity": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert MentorProfile.objects.get(user=jordan).status == MentorProfile.Status.PENDING


def test_one_invitation_of_each_kind_and_none_for_a_closed_enquiry(enquiry: Enquiry, staff: User) -> None:
    services.enquiry_invite(enquiry=enquiry, kind="mentor", actor=staff)
    with pytest.raises(services.InformationError, match="already invited"):
        services.enquiry_invite(enquiry=enquiry, kind="mentor", actor=staff)
    services.enquiry_close(enquiry=enquiry, actor=staff)
    with pytest.raises(services.InformationError, match="is closed"):
        services.enquiry_invite(enquiry=enquiry, kind="engagement", actor=staff)
