"""The programme team's vetting queue: approving and rejecting mentors, and the emails that tell them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import MentorProfile, User
from accounts.signals import mentor_profile_changed
from notifications.tasks import send_email
from tests.accounts.helpers import assert_form_error
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory
from tests.notifications.outbox import written

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending() -> MentorProfile:
    return MentorProfileFactory(
        user__email="priya@example.org", user__full_name="Priya Pending", status=MentorProfile.Status.PENDING
    )


@pytest.fixture
def announcements() -> Iterator[list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []

    def receiver(sender: type, **kwargs: Any) -> None:
        received.append(kwargs)

    mentor_profile_changed.connect(receiver)
    yield received
    mentor_profile_changed.disconnect(receiver)


def vetting_url(profile: MentorProfile) -> str:
    return reverse("accounts:vetting_detail", kwargs={"profile_id": profile.pk})


class TestQueue:
    def test_pending_mentors_are_listed_oldest_first(
        self, staff: User, mentor_profile: MentorProfile, client_for: ClientFor
    ) -> None:
        MentorProfileFactory(user__full_name="Newer Mentor", status=MentorProfile.Status.PENDING)
        older = MentorProfileFactory(user__full_name="Older Mentor", status=MentorProfile.Status.PENDING)
        MentorProfile.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=5))

        page = client_for(staff).get(reverse("accounts:vetting_queue")).content.decode()

        waiting = page.split("Recently vetted")[0]
        assert waiting.index("Older Mentor") < waiting.index("Newer Mentor")
        assert "2 mentors waiting" in waiting
        assert "Bob Mentor" not in waiting  # approved already

    def test_recent_decisions_are_shown(self, staff: User, pending: MentorProfile, client_for: ClientFor) -> None:
        services.mentor_reject(profile=pending, rejected_by=staff, reason="Not enough detail.")

        page = client_for(staff).get(reverse("accounts:vetting_queue")).content.decode()

        recent = page.split("Recently vetted")[1]
        assert "Priya Pending" in recent
        assert "Not approved" in recent

    @pytest.mark.parametrize("persona", ["member", "mentor", "ambassador", "outsider"])
    def test_everyone_but_staff_gets_404(self, persona_client, pending: MentorProfile, persona: str) -> None:  # type: ignore[no-untyped-def]
        client = persona_client(persona)

        assert client.get(reverse("accounts:vetting_queue")).status_code == 404
        assert client.get(vetting_url(pending)).status_code == 404
        assert client.post(vetting_url(pending), {"decision": "approve"}).status_code == 404
        pending.refresh_from_db()
        assert pending.status == MentorProfile.Status.PENDING

    def test_staff_without_mfa_are_sent_to_set_it_up(self, pending: MentorProfile, client_for: ClientFor) -> None:
        from tests.factories import UserFactory

        no_mfa = UserFactory(is_programme_team=True)
        response = client_for(no_mfa).post(vetting_url(pending), {"decision": "approve"})

        assert response.status_code == 302
        assert "/account/" in response["Location"]
        pending.refresh_from_db()
        assert pending.status == MentorProfile.Status.PENDING


class TestDecisions:
    def test_approving_tells_the_mentor_and_matching(
        self,
        staff: User,
        pending: MentorProfile,
        django_capture_on_commit_callbacks,
        announcements,
        client_for: ClientFor,
    ) -> None:  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(staff).post(vetting_url(pending), {"decision": "approve", "reason": ""})

        assert response.status_code == 302
        pending.refresh_from_db()
        assert pending.status == MentorProfile.Status.APPROVED
        assert pending.vetted_by == staff
        assert pending.vetted_at is not None
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["priya@example.org"]
        assert "approved" in mail.outbox[0].subject
        assert announcements == [{"signal": mentor_profile_changed, "profile_id": pending.pk, "reason": "approved"}]

    def test_rejecting_needs_a_reason_which_the_mentor_is_sent(
        self,
        staff: User,
        pending: MentorProfile,
        django_capture_on_commit_callbacks,
        announcements,
        client_for: ClientFor,
    ) -> None:  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(staff).post(
                vetting_url(pending), {"decision": "reject", "reason": "We need a reference from a mutual."}
            )

        assert response.status_code == 302
        pending.refresh_from_db()
        assert pending.status == MentorProfile.Status.REJECTED
        assert pending.status_reason == "We need a reference from a mutual."
        assert len(mail.outbox) == 1
        assert "not approved" in mail.outbox[0].subject
        assert "We need a reference from a mutual." in mail.outbox[0].body
        assert announcements == []  # a pending mentor was never matchable: nothing for matching to refresh

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"decision": "reject", "reason": ""}, "Enter the reason for not approving this mentor"),
            ({"decision": "reject", "reason": "   "}, "Enter the reason for not approving this mentor"),
            ({}, "Select whether to approve this mentor"),
            ({"decision": "maybe"}, "Select your decision from the list"),
            ({"decision": "reject", "reason": "x" * 2001}, "Reason must be 2000 characters or fewer"),
        ],
    )
    def test_bad_input_is_refused(
        self,
        staff: User,
        pending: MentorProfile,
        data: dict[str, str],
        message: str,
        django_capture_on_commit_callbacks,
        client_for: ClientFor,
    ) -> None:  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(staff).post(vetting_url(pending), data)

        assert_form_error(response, message)
        pending.refresh_from_db()
        assert pending.status == MentorProfile.Status.PENDING
        assert mail.outbox == []

    def test_a_decided_mentor_cannot_be_decided_again(
        self, staff: User, mentor_profile: MentorProfile, django_capture_on_commit_callbacks, client_for: ClientFor
    ) -> None:  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(staff).post(vetting_url(mentor_profile), {"decision": "reject", "reason": "No."})

        assert_form_error(response, "has already been vetted")
        mentor_profile.refresh_from_db()
        assert mentor_profile.status == MentorProfile.Status.APPROVED
        assert mail.outbox == []

    def test_the_email_is_sent_after_commit(
        self, staff: User, pending: MentorProfile, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.mentor_approve(profile=pending, approved_by=staff)
        assert mail.outbox == []

        for callback in callbacks:
            callback()

        assert len(mail.outbox) == 1

    def test_running_the_task_twice_sends_one_email(self, staff: User, pending: MentorProfile) -> None:
        services.mentor_reject(profile=pending, rejected_by=staff, reason="Not enough detail.")
        [email] = written("vetting_decided")

        assert send_email(email.pk) is True
        assert send_email(email.pk) is False

        assert len(mail.outbox) == 1
        assert "Not enough detail." in mail.outbox[0].body

    def test_nothing_is_written_for_a_mentor_still_waiting(self, pending: MentorProfile) -> None:
        assert written("vetting_decided") == []

    def test_only_the_programme_team_can_decide(self, member: User, pending: MentorProfile) -> None:
        with pytest.raises(services.AccountsError):
            services.mentor_approve(profile=pending, approved_by=member)
        pending.refresh_from_db()
        assert pending.status == MentorProfile.Status.PENDING
