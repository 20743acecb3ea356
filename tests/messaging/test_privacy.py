"""Personal data: a person downloads everything held about them, and deleting an account leaves none of their
personal data behind while the other side keeps its history, attributed to "Former user"."""

from __future__ import annotations

import json

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core import serializers
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, MentorProfile, Mutual, User
from messaging import services
from messaging.models import Message, Relationship
from tests.conftest import enable_mfa
from tests.matching.factories import MentoringRequestFactory
from tests.messaging.factories import CheckInFactory, GoalFactory

PASSWORD = "correct-horse-battery-staple"  # tests.factories.UserFactory's


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _everything_stored() -> str:
    """Every row of every model, serialised: personal data left anywhere shows up in this text."""
    models = [model for model in apps.get_models() if model._meta.managed and not model._meta.proxy]
    return "".join(serializers.serialize("json", model._default_manager.all()) for model in models)


def test_a_person_downloads_their_data(relationship: Relationship, member: User, mentor: User) -> None:
    request = MentoringRequestFactory(mutual=relationship.mutual, created_by=member, title="Help with TUPE")
    services.message_send(relationship=relationship, author=member, body="My message to Bob")
    services.message_send(relationship=relationship, author=mentor, body="Bob's reply")
    GoalFactory(relationship=relationship, created_by=member, title="Agree the pension plan")
    CheckInFactory(relationship=relationship, logged_by=member, notes="Met at the town hall")
    services.relationship_complete(relationship=relationship, user=member)
    services.feedback_give(relationship=relationship, user=member, rating=5, goal_progress="all", would_recommend=True)

    response = _client(member).get(reverse("messaging:personal_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["email"] == member.email
    assert data["profile"]["full_name"] == "Alice Member"
    assert data["email_addresses"] == [{"email": member.email, "verified": True, "primary": True}]
    assert [m["mutual"] for m in data["mutual_memberships"]] == [relationship.mutual.name]
    assert data["mentor_profile"] is None
    assert [r["title"] for r in data["mentoring_requests_created"]] == [request.title]
    assert [(r["mentor"], r["status"]) for r in data["relationships"]] == [("Bob Mentor", "Completed")]
    assert [m["text"] for m in data["messages_written"]] == ["My message to Bob"]  # not Bob's reply
    assert [g["title"] for g in data["goals_proposed"]] == ["Agree the pension plan"]
    assert [c["notes"] for c in data["check_ins_logged"]] == ["Met at the town hall"]
    assert [(f["rating"], f["would_recommend"]) for f in data["feedback_given"]] == [(5, True)]
    assert "notices" in data


def test_a_mentor_downloads_their_profile(mentor: User) -> None:
    data = json.loads(_client(mentor).get(reverse("messaging:personal_data_download")).content)
    assert data["mentor_profile"]["headline"] == mentor.mentor_profile.headline
    assert data["mentor_profile"]["status"] == "Approved"


def test_deleting_needs_the_password(member: User) -> None:
    response = _client(member).post(reverse("messaging:account_delete"), {"password": "wrong"})
    assert response.status_code == 200
    assert b"The password is not correct" in response.content
    assert User.objects.filter(pk=member.pk).exists()
    response = _client(member).post(reverse("messaging:account_delete"), {})
    assert response.status_code == 200
    assert b"Enter your password" in response.content
    assert User.objects.filter(pk=member.pk).exists()


def test_an_account_without_a_password_confirms_by_typing(member: User) -> None:
    member.set_unusable_password()
    member.save()
    url = reverse("messaging:account_delete")
    response = _client(member).post(url, {"confirmation": "yes"})
    assert response.status_code == 200
    assert User.objects.filter(pk=member.pk).exists()
    assert _client(member).post(url, {"confirmation": "Delete my account"}).status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()


def test_a_deleted_mentor_leaves_no_personal_data_and_the_mutual_keeps_its_history(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    enable_mfa(mentor)
    services.message_send(relationship=relationship, author=mentor, body="Happy to help with your TUPE plan")
    services.message_send(relationship=relationship, author=member, body="Thank you")
    GoalFactory(relationship=relationship, created_by=mentor)
    profile_id = mentor.mentor_profile.pk
    mentor_id = mentor.pk
    assert Authenticator.objects.filter(user_id=mentor_id).exists()
    assert "bob@example.org" in _everything_stored()

    client = _client(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("messaging:account_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("messaging:inbox")).status_code == 302  # signed out

    assert User.objects.filter(pk=mentor_id).count() == 0
    assert EmailAddress.objects.filter(user_id=mentor_id).count() == 0
    assert EmailAddress.objects.filter(email__iexact="bob@example.org").count() == 0
    assert Authenticator.objects.filter(user_id=mentor_id).count() == 0
    assert MentorProfile.objects.filter(pk=profile_id).count() == 0
    stored = _everything_stored()
    assert "bob@example.org" not in stored
    assert "Bob Mentor" not in stored

    # The relationship ended (it cannot go on without a mentor); the mutual's history is intact.
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ENDED_EARLY
    assert relationship.mentor is None
    assert Message.objects.filter(relationship=relationship).count() == 2
    page = _client(member).get(reverse("messaging:conversation", kwargs={"pk": relationship.pk}))
    assert b"Happy to help with your TUPE plan" in page.content
    assert b"Former user" in page.content
    assert (
        _client(member).get(reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk})).status_code == 200
    )
    assert _client(member).get(reverse("messaging:inbox")).status_code == 200


def test_a_deleted_last_member_leaves_the_mutual_for_the_record(
    relationship: Relationship, member: User, mentor: User, mutual: Mutual
) -> None:
    services.message_send(relationship=relationship, author=member, body="Our board meets on Monday")
    Mutual.objects.filter(pk=mutual.pk).update(created_by=member)
    member_id = member.pk
    response = _client(member).post(reverse("messaging:account_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.filter(pk=member_id).count() == 0
    assert Membership.objects.filter(user_id=member_id).count() == 0
    assert EmailAddress.objects.filter(email__iexact="alice@example.org").count() == 0
    stored = _everything_stored()
    assert "alice@example.org" not in stored
    assert "Alice Member" not in stored
    mutual.refresh_from_db()
    assert mutual.created_by is None
    assert not mutual.memberships.exists()
    # Bob's side: the relationship ended (nobody is left to mentor), his place is free, the text is kept.
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ENDED_EARLY
    assert MentorProfile.objects.get(user=mentor).active_mentees == 0
    page = _client(mentor).get(reverse("messaging:conversation", kwargs={"pk": relationship.pk}))
    assert b"Our board meets on Monday" in page.content
    assert b"Former user" in page.content


def test_a_member_with_colleagues_leaves_the_relationship_running(
    relationship: Relationship, member: User, mutual: Mutual
) -> None:
    from tests.factories import MembershipFactory

    MembershipFactory(mutual=mutual)
    assert _client(member).post(reverse("messaging:account_delete"), {"password": PASSWORD}).status_code == 302
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE
