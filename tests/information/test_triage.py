"""The programme team's triage queue: assign, reply from the service (emailed and kept), close, reopen, what is
overdue, and enquiries deleted some months after closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from information import services
from information.models import Enquiry, EnquiryReply
from information.selectors import queue_counts
from information.tasks import purge_closed_enquiries
from tests.factories import UserFactory
from tests.information.factories import EnquiryFactory, EnquiryReplyFactory
from tests.notifications.outbox import notice_texts, send_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(email="kim@example.org", full_name="Kim Colleague", is_programme_team=True)


def test_assigning_starts_work_and_tells_the_assignee(staff_client: Client, staff: User, colleague: User) -> None:
    enquiry = EnquiryFactory()
    response = staff_client.post(
        reverse("information:enquiry_assign", kwargs={"pk": enquiry.pk}), {"assignee": colleague.pk}
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.assigned_to) == ("in_progress", colleague)
    assert notice_texts(colleague) == [f"Sam Staff assigned enquiry {enquiry.reference} to you."]
    page = staff_client.get(response["Location"]).content.decode()
    assert f"Enquiry {enquiry.reference} is now assigned to Kim Colleague." in page


def test_assigning_to_yourself_tells_nobody(staff_client: Client, staff: User) -> None:
    enquiry = EnquiryFactory()
    staff_client.post(reverse("information:enquiry_assign", kwargs={"pk": enquiry.pk}), {"to_me": "1"})
    enquiry.refresh_from_db()
    assert enquiry.assigned_to == staff
    assert notice_texts(staff) == []


def test_only_the_programme_team_can_be_assigned(staff: User) -> None:
    with pytest.raises(services.InformationError, match="only be assigned to the programme team"):
        services.enquiry_assign(enquiry=EnquiryFactory(), assignee=UserFactory(), actor=staff)


def test_a_reply_is_emailed_and_kept(staff_client: Client, staff: User) -> None:
    enquiry = EnquiryFactory(email="jordan@example.net", reference="MIS-ABCDEF")
    response = staff_client.post(
        reverse("information:enquiry_reply", kwargs={"pk": enquiry.pk}),
        {"body": "Yes: TUPE protects their terms.\n\nShall we talk on Tuesday?"},
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    reply = EnquiryReply.objects.get()
    assert (reply.enquiry, reply.author, enquiry.status) == (enquiry, staff, "answered")
    assert enquiry.first_response_at == reply.created_at
    assert enquiry.assigned_to == staff
    [email] = send_pending()
    assert email.to == ["jordan@example.net"]
    assert email.subject == "Our answer to your question MIS-ABCDEF"
    assert "Sam Staff from the mutuals support team has answered your question MIS-ABCDEF" in email.body
    assert "Yes: TUPE protects their terms.\n\nShall we talk on Tuesday?" in email.body
    page = staff_client.get(response["Location"]).content.decode()
    assert "Your reply to MIS-ABCDEF has been emailed to jordan@example.net." in page
    assert "Shall we talk on Tuesday?" in page


def test_an_empty_reply_is_refused_with_the_error_summary(staff_client: Client) -> None:
    enquiry = EnquiryFactory()
    response = staff_client.post(reverse("information:enquiry_reply", kwargs={"pk": enquiry.pk}), {"body": "  "})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not EnquiryReply.objects.exists()


def test_no_reply_to_a_closed_enquiry_or_to_nobody(staff: User) -> None:
    closed = EnquiryFactory(status=Enquiry.Status.CLOSED, closed_at=timezone.now())
    with pytest.raises(services.InformationError, match="is closed"):
        services.enquiry_reply(enquiry=closed, author=staff, body="Hello")
    anonymous_feedback = EnquiryFactory(email="", kind=Enquiry.Kind.FEEDBACK)
    with pytest.raises(services.InformationError, match="no email address"):
        services.enquiry_reply(enquiry=anonymous_feedback, author=staff, body="Hello")


def test_close_then_reopen(staff_client: Client, staff: User) -> None:
    enquiry = EnquiryFactory()
    EnquiryReplyFactory(enquiry=enquiry, author=staff)
    Enquiry.objects.filter(pk=enquiry.pk).update(first_response_at=timezone.now(), status=Enquiry.Status.ANSWERED)
    response = staff_client.post(
        reverse("information:enquiry_close", kwargs={"pk": enquiry.pk}), {"note": "Answered by phone"}
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.closed_by, enquiry.closing_note) == ("closed", staff, "Answered by phone")
    with pytest.raises(services.InformationError, match="already closed"):
        services.enquiry_close(enquiry=enquiry, actor=staff)

    staff_client.post(reverse("information:enquiry_reopen", kwargs={"pk": enquiry.pk}))
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.closed_at) == ("answered", None)


def test_the_queue_shows_what_is_overdue_first(staff_client: Client, staff: User) -> None:
    now = timezone.now()
    late = EnquiryFactory(reference="MIS-LATE01", respond_by=now - timedelta(days=1))
    EnquiryFactory(reference="MIS-SOON01", respond_by=now + timedelta(days=1))
    EnquiryFactory(reference="MIS-ANSWRD", status=Enquiry.Status.ANSWERED, respond_by=now - timedelta(days=3))
    EnquiryFactory(reference="MIS-CLOSED", status=Enquiry.Status.CLOSED, closed_at=now)

    html = staff_client.get(reverse("information:enquiry_queue")).content.decode()
    assert html.index("MIS-LATE01") < html.index("MIS-SOON01")
    assert "MIS-CLOSED" not in html
    assert html.count("Overdue</strong>") == 1

    overdue = staff_client.get(reverse("information:enquiry_queue") + "?show=overdue").content.decode()
    assert "MIS-LATE01" in overdue and "MIS-SOON01" not in overdue and "MIS-ANSWRD" not in overdue
    assert queue_counts(staff).overdue == 1
    assert late.is_overdue()

    closed = staff_client.get(reverse("information:enquiry_queue") + "?show=closed").content.decode()
    assert "MIS-CLOSED" in closed and "MIS-LATE01" not in closed


def test_the_queue_searches_and_refuses_nonsense_filters(staff_client: Client) -> None:
    EnquiryFactory(reference="MIS-FIND01", organisation="Fenland Youth Mutual")
    EnquiryFactory(reference="MIS-OTHER1")
    found = staff_client.get(reverse("information:enquiry_queue") + "?q=fenland").content.decode()
    assert "MIS-FIND01" in found and "MIS-OTHER1" not in found
    nonsense = staff_client.get(reverse("information:enquiry_queue") + "?show=everything-please")
    assert nonsense.status_code == 200
    assert "govuk-error-summary" in nonsense.content.decode()


def test_closed_enquiries_are_deleted_after_the_retention_period_once(settings, staff: User) -> None:  # type: ignore[no-untyped-def]
    settings.ENQUIRY_RETENTION_MONTHS = 12
    now = timezone.now()
    old = EnquiryFactory(status=Enquiry.Status.CLOSED, closed_at=now - timedelta(days=361))
    EnquiryReplyFactory(enquiry=old)
    recent = EnquiryFactory(status=Enquiry.Status.CLOSED, closed_at=now - timedelta(days=359))
    still_open = EnquiryFactory(created_at=now - timedelta(days=900))

    assert purge_closed_enquiries() == 1
    assert purge_closed_enquiries() == 0  # safe to run twice
    assert set(Enquiry.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    assert not EnquiryReply.objects.exists()


def test_the_purge_is_scheduled_every_night(settings) -> None:  # type: ignore[no-untyped-def]
    entry = settings.CELERY_BEAT_SCHEDULE["purge-closed-enquiries"]
    assert entry["task"] == "information.tasks.purge_closed_enquiries"


def test_the_privacy_notice_states_the_retention_period(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    html = client.get(reverse("pages:privacy")).content.decode()
    assert f"deleted {settings.ENQUIRY_RETENTION_MONTHS} months after the enquiry is closed" in html
