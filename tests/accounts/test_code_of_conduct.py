"""The mentor code of conduct: a mentor must accept the current version before an introduction (made by the mutual's
choices, by staff or by a batch) and before accepting one, again after a new version; acceptance is recorded; mutual
members read it and report a breach, which reaches the moderation queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts import conduct
from accounts.models import ConductAcceptance, MentorProfile, User
from matching import services as matching_services
from matching.models import Introduction, MentoringRequest
from messaging import services as messaging_services
from messaging.models import ConductReport, ModerationAction, Relationship
from notifications.models import Notice
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory
from tests.matching.factories import MentoringRequestFactory, rank

pytestmark = pytest.mark.django_db


def test_the_first_version_is_published_and_covers_the_rules() -> None:
    code = conduct.current_code()
    assert code is not None and code.version == 1 and code.published_at is not None
    for rule in ("No selling", "Confidentiality", "Conflicts of interest"):
        assert rule in code.body


def test_a_mentor_who_has_not_accepted_is_skipped_for_the_next_choice(mutual: Any, member: User) -> None:
    holdout = MentorProfileFactory(accepted_code=False)
    willing = MentorProfileFactory()
    request = MentoringRequestFactory(mutual=mutual, created_by=member)
    rank(request)
    matching_services.preferences_choose(request=request, user=member, mentor_ids=[holdout.pk, willing.pk])

    skipped = Introduction.objects.get(request=request, mentor=holdout)
    assert skipped.status == Introduction.Status.WITHDRAWN
    assert skipped.note == "The mentor has not accepted the current code of conduct."
    assert Introduction.objects.get(request=request, mentor=willing).status == Introduction.Status.PENDING


def test_staff_cannot_introduce_a_mentor_who_has_not_accepted(mutual: Any, member: User, staff: User) -> None:
    holdout = MentorProfileFactory(accepted_code=False)
    request = MentoringRequestFactory(mutual=mutual, created_by=member)
    rank(request)
    with pytest.raises(matching_services.MatchingError, match="code of conduct"):
        matching_services.staff_introduce(request=request, mentor_id=holdout.pk, user=staff)
    assert not Introduction.objects.filter(mentor=holdout).exclude(status=Introduction.Status.WITHDRAWN).exists()


def test_a_new_version_must_be_accepted_before_accepting_an_introduction(
    client_for: ClientFor, mutual: Any, member: User, mentor: User, mentor_profile: MentorProfile
) -> None:
    request = MentoringRequestFactory(mutual=mutual, created_by=member)
    rank(request)
    matching_services.preferences_choose(request=request, user=member, mentor_ids=[mentor_profile.pk])
    introduction = Introduction.objects.get(request=request, mentor=mentor_profile)
    new = conduct.code_publish(body="Version 2: no selling, confidentiality, conflicts of interest.", summary="Clearer")

    client = client_for(mentor)
    page = client.get(reverse("matching:introduction_detail", kwargs={"pk": introduction.pk})).content.decode()
    assert "Read and accept the code of conduct" in page
    refused = client.post(reverse("matching:introduction_accept", kwargs={"pk": introduction.pk}), {"confirm": "on"})
    assert "Accept the current mentor code of conduct" in refused.content.decode()
    assert not Relationship.objects.exists()

    accept_url = reverse("accounts:code_of_conduct_accept")
    next_url = reverse("matching:introduction_detail", kwargs={"pk": introduction.pk})
    empty = client.post(accept_url, {"next": next_url})
    assert "Confirm that you have read the code of conduct" in empty.content.decode()
    response = client.post(accept_url, {"confirm": "on", "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    acceptance = ConductAcceptance.objects.get(user=mentor, code=new)
    assert acceptance.accepted_at is not None  # who, which version, when

    client.post(reverse("matching:introduction_accept", kwargs={"pk": introduction.pk}), {"confirm": "on"})
    assert Relationship.objects.filter(mentor=mentor_profile, mutual=mutual).exists()
    request.refresh_from_db()
    assert request.status == MentoringRequest.Status.MATCHED


def test_the_accept_page_refuses_an_outside_address_and_non_mentors(client_for: ClientFor, member: User) -> None:
    assert client_for(member).get(reverse("accounts:code_of_conduct_accept")).status_code == 404
    mentor = MentorProfileFactory(accepted_code=False).user
    response = client_for(mentor).post(
        reverse("accounts:code_of_conduct_accept"), {"confirm": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("accounts:code_of_conduct")


def test_everyone_can_read_the_code_and_the_handbook() -> None:
    page = Client().get(reverse("accounts:code_of_conduct")).content.decode()
    assert "No selling" in page
    assert "Propose a first meeting" in Client().get(reverse("accounts:mentor_handbook")).content.decode()


def test_a_member_reports_a_breach_and_it_reaches_the_moderation_queue(
    client_for: ClientFor, relationship: Relationship, member: User, mentor: User, staff: User
) -> None:
    url = reverse("messaging:conduct_report_create", kwargs={"pk": relationship.pk})
    assert client_for(mentor).get(url).status_code == 404  # the mentor is who it is about
    empty = client_for(member).post(url, {})
    assert "Enter what happened" in empty.content.decode()
    response = client_for(member).post(url, {"details": "He offered to sell us his firm's HR package."}, follow=True)
    assert "The programme team will look at your report" in response.content.decode()
    report = ConductReport.objects.get()
    assert report.reported_by == member and report.code == conduct.current_code()
    assert Notice.objects.filter(event="conduct_breach_reported", user=staff).exists()

    queue = client_for(staff).get(reverse("messaging:moderation_report_list")).content.decode()
    assert reverse("messaging:conduct_report_detail", kwargs={"pk": report.pk}) in queue
    detail = client_for(staff).get(reverse("messaging:conduct_report_detail", kwargs={"pk": report.pk}))
    assert "HR package" in detail.content.decode()
    client_for(staff).post(
        reverse("messaging:conduct_report_close", kwargs={"pk": report.pk}), {"note": "Spoke to the mentor."}
    )
    report.refresh_from_db()
    assert not report.is_open and report.resolved_by == staff
    assert ModerationAction.objects.get().action == ModerationAction.Action.CLOSE_CONDUCT_REPORT
    with pytest.raises(messaging_services.RelationshipError, match="already closed"):
        messaging_services.conduct_report_close(report=report, actor=staff, note="Again")


def test_the_dashboard_tells_a_mentor_who_has_not_accepted(client_for: ClientFor) -> None:
    holdout = MentorProfileFactory(accepted_code=False).user
    page = client_for(holdout).get(reverse("accounts:dashboard")).content.decode()
    assert "Mutuals cannot be introduced to you until you accept" in page
    conduct.conduct_accept(user=holdout, code=conduct.current_code())  # type: ignore[arg-type]
    assert "until you accept" not in client_for(holdout).get(reverse("accounts:dashboard")).content.decode()


def test_who_has_accepted_is_answered_for_many_people_at_once(django_assert_num_queries: Any) -> None:
    accepted = [MentorProfileFactory().user.pk for _ in range(3)]
    holdout = MentorProfileFactory(accepted_code=False).user.pk
    with django_assert_num_queries(2):  # the current version, then the acceptances
        assert conduct.users_who_accepted([*accepted, holdout]) == set(accepted)
