"""Mentor profiles: volunteering, editing, pausing and resuming, and the signal matching listens to."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import MentorProfile, Mutual, User
from accounts.signals import mentor_profile_changed
from accounts.working_days import add_working_days
from tests.accounts.helpers import HOSTILE_TEXT, assert_escaped, assert_form_error, profile_form_data
from tests.clients import ClientFor, signed_in_client
from tests.factories import MentorProfileFactory, region, topic
from tests.forms import date_input
from tests.markup import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def announcements() -> Iterator[list[dict[str, Any]]]:
    """Every mentor_profile_changed signal sent during the test."""
    received: list[dict[str, Any]] = []

    def receiver(sender: type, **kwargs: Any) -> None:
        received.append({"sender": sender, **kwargs})

    mentor_profile_changed.connect(receiver)
    yield received
    mentor_profile_changed.disconnect(receiver)


class TestCreate:
    def test_volunteering_creates_a_pending_profile(
        self, outsider: User, other_mutual: Mutual, client_for: ClientFor
    ) -> None:
        response = client_for(outsider).post(
            reverse("accounts:mentor_profile_create"),
            profile_form_data(
                conflicts=f"  {other_mutual.name.upper()}  \n\n", conflicts_note="I chair a trust board."
            ),
        )

        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:mentor_profile")
        profile = MentorProfile.objects.get(user=outsider)
        assert profile.status == MentorProfile.Status.PENDING
        assert profile.capacity == 3
        assert profile.format == MentorProfile.Format.REMOTE
        assert {t.slug for t in profile.topics.all()} == {"finance-and-investment", "pensions"}
        assert [m.pk for m in profile.conflicts.all()] == [other_mutual.pk]
        assert profile.conflicts_note == "I chair a trust board."

    def test_someone_with_a_profile_is_sent_to_it(self, mentor: User, client_for: ClientFor) -> None:
        response = client_for(mentor).post(reverse("accounts:mentor_profile_create"), profile_form_data())

        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:mentor_profile")
        assert MentorProfile.objects.filter(user=mentor).count() == 1

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"headline": ""}, "Enter a headline"),
            ({"bio": ""}, "Tell mutuals about yourself"),
            ({"topics": []}, "Select at least one topic you can help with"),
            ({"service_areas": []}, "Select at least one service area"),
            ({"region": ""}, "Select a region"),
            ({"format": ""}, "Select how you can meet"),
            ({"format": "teleport"}, "Select an answer to “How can you meet?” from the list"),
            ({"capacity": ""}, "Select how many mutuals you could mentor at the same time"),
            (
                {"capacity": "0"},
                "Select an answer to “How many mutuals could you mentor at the same time?” from the list",
            ),
            (
                {"capacity": "6"},
                "Select an answer to “How many mutuals could you mentor at the same time?” from the list",
            ),
            (
                {"capacity": "two"},
                "Select an answer to “How many mutuals could you mentor at the same time?” from the list",
            ),
            ({"headline": "x" * 151}, "Headline must be 150 characters or fewer"),
            ({"bio": "x" * 4001}, "Tell mutuals about yourself in 4000 characters or fewer"),
            ({"conflicts": "Nowhere Mutual"}, "We could not find &quot;Nowhere Mutual&quot;"),
            ({"headline": "nul\x00byte"}, "Null characters are not allowed"),
        ],
    )
    def test_bad_input_is_refused_and_nothing_saved(
        self, outsider: User, overrides: dict[str, object], message: str, client_for: ClientFor
    ) -> None:
        response = client_for(outsider).post(reverse("accounts:mentor_profile_create"), profile_form_data(**overrides))

        assert_form_error(response, message)
        assert not MentorProfile.objects.filter(user=outsider).exists()

    def test_the_form_offers_the_other_path_afterwards(self, outsider: User, client_for: ClientFor) -> None:
        client = client_for(outsider)
        client.post(reverse("accounts:mentor_profile_create"), profile_form_data())

        page = client.get(reverse("accounts:mentor_profile")).content.decode()

        assert "Do you also represent a mutual?" in page
        assert reverse("accounts:mutual_create") in page


class TestEdit:
    def test_editing_an_approved_profile_keeps_it_approved(
        self, mentor_profile: MentorProfile, django_capture_on_commit_callbacks, announcements, client_for: ClientFor
    ) -> None:  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(mentor_profile.user).post(
                reverse("accounts:mentor_profile_edit"), profile_form_data(headline="Now a pensions specialist")
            )

        assert response.status_code == 302
        mentor_profile.refresh_from_db()
        assert mentor_profile.headline == "Now a pensions specialist"
        assert mentor_profile.status == MentorProfile.Status.APPROVED
        assert announcements == [
            {
                "sender": MentorProfile,
                "signal": mentor_profile_changed,
                "profile_id": mentor_profile.pk,
                "reason": "edited",
            }
        ]

    def test_editing_does_not_overwrite_the_mentee_count(
        self, mentor_profile: MentorProfile, client_for: ClientFor
    ) -> None:
        client = client_for(mentor_profile.user)
        page = client.get(reverse("accounts:mentor_profile_edit"))  # the form is loaded with the old count...
        assert page.status_code == 200
        MentorProfile.objects.filter(pk=mentor_profile.pk).update(active_mentees=2)  # ...a relationship starts...

        client.post(reverse("accounts:mentor_profile_edit"), profile_form_data(capacity="4"))

        mentor_profile.refresh_from_db()
        assert mentor_profile.capacity == 4
        assert mentor_profile.active_mentees == 2

    def test_declared_conflicts_are_shown_by_name_and_kept_on_edit(
        self, mentor_profile: MentorProfile, other_mutual: Mutual, client_for: ClientFor
    ) -> None:
        mentor_profile.conflicts.set([other_mutual])
        client = client_for(mentor_profile.user)

        page = client.get(reverse("accounts:mentor_profile_edit")).content.decode()
        assert f">\n{other_mutual.name}</textarea>" in page or f">{other_mutual.name}</textarea>" in page

        client.post(reverse("accounts:mentor_profile_edit"), profile_form_data(conflicts=""))
        assert not mentor_profile.conflicts.exists()  # clearing the box removes the conflict

    def test_capacity_cannot_go_below_the_current_mentees(
        self, mentor_profile: MentorProfile, client_for: ClientFor
    ) -> None:
        MentorProfile.objects.filter(pk=mentor_profile.pk).update(active_mentees=2, capacity=3)

        response = client_for(mentor_profile.user).post(
            reverse("accounts:mentor_profile_edit"), profile_form_data(capacity="1")
        )

        assert_form_error(response, "you cannot lower your capacity below 2")
        mentor_profile.refresh_from_db()
        assert mentor_profile.capacity == 3

    def test_editing_a_rejected_profile_sends_it_back_for_vetting(
        self, outsider: User, staff: User, client_for: ClientFor
    ) -> None:
        profile = services.mentor_profile_create(
            user=outsider,
            data={"headline": "h", "bio": "b", "region": region(), "topics": [topic()], "service_areas": []},
        )
        services.mentor_reject(profile=profile, rejected_by=staff, reason="Tell us more about your experience.")

        client_for(outsider).post(reverse("accounts:mentor_profile_edit"), profile_form_data())

        profile.refresh_from_db()
        assert profile.status == MentorProfile.Status.PENDING
        assert profile.vetted_at is None

    def test_hostile_text_is_stored_as_typed_and_shown_escaped(
        self, mentor_profile: MentorProfile, client_for: ClientFor
    ) -> None:
        client = client_for(mentor_profile.user)
        client.post(
            reverse("accounts:mentor_profile_edit"),
            profile_form_data(headline=HOSTILE_TEXT[:150], bio=HOSTILE_TEXT, conflicts_note=HOSTILE_TEXT),
        )
        mentor_profile.refresh_from_db()
        assert mentor_profile.bio == HOSTILE_TEXT

        assert_escaped(client.get(reverse("accounts:mentor_profile")))

    def test_bad_input_on_edit_saves_nothing(self, mentor_profile: MentorProfile, client_for: ClientFor) -> None:
        headline = mentor_profile.headline

        response = client_for(mentor_profile.user).post(
            reverse("accounts:mentor_profile_edit"), profile_form_data(headline="", topics=[])
        )

        assert_form_error(response, "Enter a headline", "Select at least one topic")
        mentor_profile.refresh_from_db()
        assert mentor_profile.headline == headline

    @pytest.mark.parametrize("persona", ["member", "outsider", "staff"])
    def test_people_without_a_profile_get_404_on_edit_and_pause(self, persona_client, persona: str) -> None:  # type: ignore[no-untyped-def]
        client = persona_client(persona)

        assert client.post(reverse("accounts:mentor_profile_edit"), profile_form_data()).status_code == 404
        assert client.post(reverse("accounts:mentor_pause"), date_input("until", (1, 1, 2099))).status_code == 404
        assert not MentorProfile.objects.filter(headline=profile_form_data()["headline"]).exists()


class TestPauseAndResume:
    def pause(self, profile: MentorProfile, day: object, month: object, year: object) -> Any:
        return signed_in_client(profile.user).post(
            reverse("accounts:mentor_pause"), date_input("until", (day, month, year))
        )

    def test_pausing_until_a_future_date(
        self, mentor_profile: MentorProfile, django_capture_on_commit_callbacks, announcements
    ) -> None:  # type: ignore[no-untyped-def]
        until = timezone.localdate() + timedelta(days=30)

        with django_capture_on_commit_callbacks(execute=True):
            response = self.pause(mentor_profile, until.day, until.month, until.year)

        assert response.status_code == 302
        mentor_profile.refresh_from_db()
        assert mentor_profile.paused_until == until
        assert mentor_profile.is_available() is False
        assert [a["reason"] for a in announcements] == ["paused"]

    @pytest.mark.parametrize(
        ("when", "message"),
        [
            ("today", "must be in the future"),
            ("yesterday", "must be in the future"),
            (("", "", ""), "Enter the date you pause until"),
            (("31", "2", "2099"), "must be a real date"),
            (("12", "", "2099"), "The date you pause until must include a month"),
            (("", "", "2099"), "The date you pause until must include a day and month"),
            (("aa", "bb", "cccc"), "must be a real date"),
            (("1", "13", "2099"), "must be a real date"),
        ],
    )
    def test_bad_dates_are_refused(self, mentor_profile: MentorProfile, when: object, message: str) -> None:
        if when == "today":
            when = timezone.localdate()
        elif when == "yesterday":
            when = timezone.localdate() - timedelta(days=1)
        day, month, year = (when.day, when.month, when.year) if not isinstance(when, tuple) else when  # type: ignore[attr-defined]

        response = self.pause(mentor_profile, day, month, year)

        assert_form_error(response, message)
        mentor_profile.refresh_from_db()
        assert mentor_profile.paused_until is None

    def test_resuming_ends_the_pause(
        self, mentor_profile: MentorProfile, django_capture_on_commit_callbacks, announcements, client_for: ClientFor
    ) -> None:  # type: ignore[no-untyped-def]
        MentorProfile.objects.filter(pk=mentor_profile.pk).update(
            paused_until=timezone.localdate() + timedelta(days=10)
        )

        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(mentor_profile.user).post(reverse("accounts:mentor_resume"))

        assert response.status_code == 302
        mentor_profile.refresh_from_db()
        assert mentor_profile.paused_until is None
        assert [a["reason"] for a in announcements] == ["resumed"]

    def test_resuming_when_not_paused_changes_nothing(
        self, mentor_profile: MentorProfile, announcements, client_for: ClientFor
    ) -> None:  # type: ignore[no-untyped-def]
        response = client_for(mentor_profile.user).post(reverse("accounts:mentor_resume"), follow=True)

        assert "Your introductions are not paused" in response.content.decode()
        assert announcements == []

    def test_resume_by_get_does_nothing(self, mentor_profile: MentorProfile, client_for: ClientFor) -> None:
        until = timezone.localdate() + timedelta(days=10)
        MentorProfile.objects.filter(pk=mentor_profile.pk).update(paused_until=until)

        assert client_for(mentor_profile.user).get(reverse("accounts:mentor_resume")).status_code == 405
        mentor_profile.refresh_from_db()
        assert mentor_profile.paused_until == until


class TestSignal:
    def test_nothing_is_announced_until_the_transaction_commits(
        self, mentor_profile: MentorProfile, django_capture_on_commit_callbacks, announcements
    ) -> None:  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.mentor_pause(profile=mentor_profile, until=timezone.localdate() + timedelta(days=3))
        assert announcements == []

        for callback in callbacks:
            callback()

        assert announcements == [
            {
                "sender": MentorProfile,
                "signal": mentor_profile_changed,
                "profile_id": mentor_profile.pk,
                "reason": "paused",
            }
        ]

    def test_a_rolled_back_change_is_never_announced(
        self, mentor_profile: MentorProfile, django_capture_on_commit_callbacks, announcements
    ) -> None:  # type: ignore[no-untyped-def]
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(services.AccountsError),
        ):
            services.mentor_resume(profile=mentor_profile)  # not paused: refused

        assert callbacks == []
        assert announcements == []


class TestNoDeadEnds:
    """Issue 17, finding 3: a mentor waiting for vetting is told when to expect a decision; a mentor's page says
    what the reader can do next."""

    def test_a_mentor_waiting_for_vetting_is_told_by_when(self, client_for: ClientFor, settings: Any) -> None:
        settings.VETTING_WORKING_DAYS = 5
        profile = MentorProfileFactory(status=MentorProfile.Status.PENDING)
        due = add_working_days(profile.created_at, 5)

        page = text_of(client_for(profile.user).get(reverse("accounts:mentor_profile")))

        assert f"They aim to decide by {due:%A} {due.day} {due:%B %Y}" in page
        dashboard = text_of(client_for(profile.user).get(reverse("accounts:dashboard")))
        assert f"will review your profile by {due:%A} {due.day} {due:%B %Y}" in dashboard

    def test_a_late_decision_is_admitted_rather_than_a_date_in_the_past(self, client_for: ClientFor) -> None:
        profile = MentorProfileFactory(status=MentorProfile.Status.PENDING)
        MentorProfile.objects.filter(pk=profile.pk).update(created_at=timezone.now() - timedelta(days=30))

        page = text_of(client_for(profile.user).get(reverse("accounts:mentor_profile")))

        assert "They aim to decide within 5 working days, and are running late" in page

    def test_a_mutual_member_reading_a_mentor_is_shown_how_to_ask(
        self, member: User, mentor_profile: MentorProfile, client_for: ClientFor
    ) -> None:
        page = client_for(member).get(reverse("accounts:mentor_detail", kwargs={"profile_id": mentor_profile.pk}))
        assert f'href="{reverse("matching:request_create")}">Ask for a mentor</a>' in page.content.decode()

    def test_the_programme_team_reading_a_mentor_reaches_the_vetting_record(
        self, staff: User, mentor_profile: MentorProfile, client_for: ClientFor
    ) -> None:
        page = client_for(staff).get(reverse("accounts:mentor_detail", kwargs={"profile_id": mentor_profile.pk}))
        assert reverse("accounts:vetting_detail", kwargs={"profile_id": mentor_profile.pk}) in page.content.decode()
        assert "Ask for a mentor" not in page.content.decode()
