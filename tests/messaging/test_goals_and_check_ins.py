"""Goals the pair agree, linked to support topics, and check-ins both sides see."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging.models import CheckIn, Goal, Relationship
from tests.clients import ClientFor, signed_in_client
from tests.factories import topic
from tests.messaging.factories import GoalFactory


def test_a_goal_proposed_by_one_side_is_agreed_by_the_other(
    relationship: Relationship, member: User, mentor: User, client_for: ClientFor
) -> None:
    tupe = topic()
    response = client_for(member).post(
        reverse("messaging:goal_create", kwargs={"pk": relationship.pk}),
        {"title": "Agree the TUPE consultation plan", "description": "By March", "topics": [tupe.pk]},
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert goal.created_by == member
    assert list(goal.topics.all()) == [tupe]
    assert goal.status == Goal.Status.NOT_STARTED
    assert not goal.is_agreed

    agree = reverse("messaging:goal_agree", kwargs={"pk": relationship.pk, "goal_pk": goal.pk})
    client_for(member).post(agree)  # the proposer cannot agree their own goal
    goal.refresh_from_db()
    assert goal.agreed_at is None
    client_for(mentor).post(agree)
    goal.refresh_from_db()
    assert goal.agreed_by == mentor
    assert goal.agreed_at is not None


def test_the_status_of_a_goal_can_be_changed(relationship: Relationship, member: User, client_for: ClientFor) -> None:
    goal = GoalFactory(relationship=relationship)
    url = reverse("messaging:goal_update", kwargs={"pk": relationship.pk, "goal_pk": goal.pk})
    response = client_for(member).post(url, {"title": goal.title, "status": "achieved"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED
    response = client_for(member).post(url, {"title": goal.title, "status": "done"})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content


def test_a_goal_needs_a_title(relationship: Relationship, member: User, client_for: ClientFor) -> None:
    response = client_for(member).post(reverse("messaging:goal_create", kwargs={"pk": relationship.pk}), {"title": ""})
    assert response.status_code == 200
    assert b"Enter the goal" in response.content
    assert not Goal.objects.exists()


def _check_in(relationship: Relationship, user: User, **overrides: str) -> object:
    today = timezone.localdate()
    data = {
        "met_on_day": str(today.day),
        "met_on_month": str(today.month),
        "met_on_year": str(today.year),
        "duration_minutes": "45",
        "format": "in_person",
        "notes": "Walked through the pension options.\nNext: the bank.",
        **overrides,
    }
    return signed_in_client(user).post(reverse("messaging:check_in_create", kwargs={"pk": relationship.pk}), data)


def test_a_check_in_is_logged_seen_by_both_sides_and_counts_as_activity(
    relationship: Relationship, member: User, mentor: User, client_for: ClientFor
) -> None:
    quiet_since = timezone.now() - timedelta(days=45)
    Relationship.objects.filter(pk=relationship.pk).update(last_activity_at=quiet_since)
    response = _check_in(relationship, member)
    assert response.status_code == 302
    check_in = CheckIn.objects.get()
    assert check_in.logged_by == member
    assert check_in.duration_minutes == 45
    assert check_in.format == CheckIn.Format.IN_PERSON
    relationship.refresh_from_db()
    assert relationship.last_activity_at > quiet_since
    page = client_for(mentor).get(reverse("messaging:check_in_list", kwargs={"pk": relationship.pk}))
    assert b"Walked through the pension options.<br>Next: the bank." in page.content


def test_bad_check_ins_are_refused(relationship: Relationship, member: User) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    cases = [
        ({"met_on_day": "31", "met_on_month": "2"}, b"must be a real date"),
        ({"met_on_day": ""}, b"The date of the meeting must include a day"),
        ({"met_on_year": "27"}, b"Year must include 4 numbers"),
        ({"met_on_day": "x"}, b"govuk-error-summary"),
        (
            {"met_on_day": str(tomorrow.day), "met_on_month": str(tomorrow.month), "met_on_year": str(tomorrow.year)},
            b"must be today or in the past",
        ),
        ({"met_on_year": "2001"}, b"on or after the relationship started"),
        ({"duration_minutes": "0"}, b"at least 1 minute"),
        ({"duration_minutes": "601"}, b"600 minutes or fewer"),
        ({"duration_minutes": "an hour"}, b"whole number of minutes"),
        ({"format": "carrier pigeon"}, b"govuk-error-summary"),
        ({"notes": "x" * 4001}, b"govuk-error-summary"),
    ]
    for overrides, expected in cases:
        response = _check_in(relationship, member, **overrides)
        assert response.status_code == 200, overrides
        assert expected in response.content, overrides
    assert not CheckIn.objects.exists()
