"""Each event of the information service tells exactly its people, by exactly its channels, and nobody else."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Mutual, User
from information import services
from information.models import CaseStudy
from notifications import events
from notifications.models import Notice, OutboundEmail
from tests.factories import UserFactory
from tests.information.factories import CaseStudyFactory, EnquiryFactory
from tests.notifications.outbox import send_pending

pytestmark = pytest.mark.django_db


def told() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(event, address) of every email sent and (event, person) of every notice written."""
    send_pending()
    emails = {(email.event, email.to_address or email.recipient.email) for email in OutboundEmail.objects.all()}
    notices = {(notice.event, notice.user.email) for notice in Notice.objects.select_related("user")}
    return emails, notices


@pytest.fixture
def colleague(db) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(email="kim@example.org", is_programme_team=True)


def test_a_new_enquiry(staff: User, colleague: User, member: User) -> None:
    services.enquiry_submit(data={"name": "Jo", "email": "jo@example.net", "question": "Hello?"})
    assert told() == (
        {("enquiry_received", "jo@example.net")},
        {("enquiry_received_staff", "sam@example.org"), ("enquiry_received_staff", "kim@example.org")},
    )
    assert [message.to for message in mail.outbox] == [["jo@example.net"]]


def test_assigning_tells_the_assignee_only(staff: User, colleague: User) -> None:
    services.enquiry_assign(enquiry=EnquiryFactory(), assignee=colleague, actor=staff)
    assert told() == (set(), {("enquiry_assigned", "kim@example.org")})


def test_a_reply_and_an_invitation_go_to_the_enquirers_address_only(staff: User, colleague: User) -> None:
    enquiry = EnquiryFactory(email="jo@example.net")
    services.enquiry_reply(enquiry=enquiry, author=staff, body="An answer")
    services.enquiry_invite(enquiry=enquiry, kind="mentor", actor=staff)
    assert told() == ({("enquiry_reply", "jo@example.net"), ("enquiry_invitation", "jo@example.net")}, set())


def test_publishing_a_case_study_tells_the_mutuals_members_in_the_service(
    staff: User, member: User, mutual: Mutual, outsider: User
) -> None:
    story = CaseStudyFactory(mutual=mutual, status=CaseStudy.Status.DRAFT, consent_recorded_at=timezone.now())
    services.case_study_publish(case_study=story, actor=staff)
    assert told() == (set(), {("case_study_published", "alice@example.org")})


def test_every_emailed_event_has_its_templates() -> None:
    from django.template.loader import get_template

    for key in ("enquiry_received", "enquiry_reply", "enquiry_invitation"):
        assert events.get(key).email
        get_template(f"notifications/email/{key}/subject.txt")
        get_template(f"notifications/email/{key}/body.txt")
    for key in ("enquiry_received_staff", "enquiry_assigned", "case_study_published"):
        assert not events.get(key).email and events.get(key).notice
