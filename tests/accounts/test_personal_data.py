"""Personal data: a person downloads everything held about them, and deleting an account leaves none of their
personal data behind while the other side keeps its history, attributed to "Former user"."""

from __future__ import annotations

import json

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core import mail, serializers
from django.urls import reverse

from accounts.models import Membership, MentorProfile, Mutual, User
from messaging import services
from messaging.models import Message, Relationship
from notifications.models import Notice
from tests.clients import ClientFor
from tests.conftest import enable_mfa
from tests.matching.factories import MentoringRequestFactory
from tests.messaging.factories import CheckInFactory, GoalFactory
from tests.notifications.outbox import notice_texts

PASSWORD = "correct-horse-battery-staple"  # tests.factories.UserFactory's


def _where(words: str) -> list[str]:
    """The models whose rows still hold `words` (for a readable failure)."""
    models = [model for model in apps.get_models() if model._meta.managed and not model._meta.proxy]
    return [
        model._meta.label for model in models if words in serializers.serialize("json", model._default_manager.all())
    ]


def _everything_stored() -> str:
    """Every row of every model, serialised: personal data left anywhere shows up in this text."""
    models = [model for model in apps.get_models() if model._meta.managed and not model._meta.proxy]
    return "".join(serializers.serialize("json", model._default_manager.all()) for model in models)


def test_a_person_downloads_their_data(
    relationship: Relationship, member: User, mentor: User, client_for: ClientFor
) -> None:
    request = MentoringRequestFactory(mutual=relationship.mutual, created_by=member, title="Help with TUPE")
    services.message_send(relationship=relationship, author=member, body="My message to Bob")
    services.message_send(relationship=relationship, author=mentor, body="Bob's reply")
    GoalFactory(relationship=relationship, created_by=member, title="Agree the pension plan")
    CheckInFactory(relationship=relationship, logged_by=member, notes="Met at the town hall")
    services.relationship_complete(relationship=relationship, user=member)
    services.feedback_give(relationship=relationship, user=member, rating=5, goal_progress="all", would_recommend=True)

    response = client_for(member).get(reverse("accounts:personal_data_download"))
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
    assert "notices" in data["notifications"]


def test_a_mentor_downloads_their_profile(mentor: User, client_for: ClientFor) -> None:
    data = json.loads(client_for(mentor).get(reverse("accounts:personal_data_download")).content)
    assert data["mentor_profile"]["headline"] == mentor.mentor_profile.headline
    assert data["mentor_profile"]["status"] == "Approved"


def test_deleting_needs_the_password(member: User, client_for: ClientFor) -> None:
    response = client_for(member).post(reverse("accounts:account_delete"), {"password": "wrong"})
    assert response.status_code == 200
    assert b"The password is not correct" in response.content
    assert User.objects.filter(pk=member.pk).exists()
    response = client_for(member).post(reverse("accounts:account_delete"), {})
    assert response.status_code == 200
    assert b"Enter your password" in response.content
    assert User.objects.filter(pk=member.pk).exists()


def test_an_account_without_a_password_confirms_by_typing(member: User, client_for: ClientFor) -> None:
    member.set_unusable_password()
    member.save()
    url = reverse("accounts:account_delete")
    response = client_for(member).post(url, {"confirmation": "yes"})
    assert response.status_code == 200
    assert User.objects.filter(pk=member.pk).exists()
    assert client_for(member).post(url, {"confirmation": "Delete my account"}).status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()


def test_a_deleted_mentor_leaves_no_personal_data_and_the_mutual_keeps_its_history(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    enable_mfa(mentor)
    services.message_send(relationship=relationship, author=mentor, body="Happy to help with your TUPE plan")
    services.message_send(relationship=relationship, author=member, body="Thank you")
    GoalFactory(relationship=relationship, created_by=mentor)
    profile_id = mentor.mentor_profile.pk
    mentor_id = mentor.pk
    assert Authenticator.objects.filter(user_id=mentor_id).exists()
    assert "bob@example.org" in _everything_stored()

    client = client_for(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:account_delete"), {"password": PASSWORD})
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
    page = client_for(member).get(reverse("messaging:conversation", kwargs={"pk": relationship.pk}))
    assert b"Happy to help with your TUPE plan" in page.content
    assert b"Former user" in page.content
    assert (
        client_for(member).get(reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk})).status_code
        == 200
    )
    assert client_for(member).get(reverse("messaging:inbox")).status_code == 200


def test_a_deleted_last_member_leaves_the_mutual_for_the_record(
    relationship: Relationship,
    member: User,
    mentor: User,
    mutual: Mutual,
    django_capture_on_commit_callbacks,
    client_for: ClientFor,
) -> None:  # type: ignore[no-untyped-def]
    services.message_send(relationship=relationship, author=member, body="Our board meets on Monday")
    Mutual.objects.filter(pk=mutual.pk).update(created_by=member)
    member_id = member.pk
    # After commit: the emails (to Bob about the ended relationship; to Alice's address that her account has gone).
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(reverse("accounts:account_delete"), {"password": PASSWORD})
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
    page = client_for(mentor).get(reverse("messaging:conversation", kwargs={"pk": relationship.pk}))
    assert b"Our board meets on Monday" in page.content
    assert b"Former user" in page.content


def test_a_member_with_colleagues_leaves_the_relationship_running(
    relationship: Relationship, member: User, mutual: Mutual, client_for: ClientFor
) -> None:
    from tests.factories import MembershipFactory

    MembershipFactory(mutual=mutual)
    assert client_for(member).post(reverse("accounts:account_delete"), {"password": PASSWORD}).status_code == 302
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE


# --- One person who has done everything, in every app (issue 10, finding 3; issue 18, finding 2) ---------------

ZED = {
    "email": "zed@example.org",
    "other_address": "zed.alt@example.org",
    "name": "Zed Everything",
    "words": [
        "Zed's own request about pensions",
        "Zed's message to Bob",
        "Zed's goal on governance",
        "Zed's check-in notes",
        "Zed's closing comments",
        "Zed's report details",
        "Zed's mentor biography",
        "Zed's ambassador motivation",
        "Zed's ambassador experience",
        "Zed's public ambassador bio",
        "Zed's reason for nominating Nina",
        "Zed's engagement request description",
    ],
}


# Indexes of ZED["words"] that are about the person alone: the mentor and ambassador profiles, the application.
GONE = {6, 7, 8, 9}


def _zed_does_everything(mentor: User, staff: User) -> User:
    from accounts import services as accounts_services
    from ambassadors import services as ambassador_services
    from matching import services as matching_services
    from notifications.services import preferences_update
    from tests.accounts.helpers import mutual_form_data, profile_form_data
    from tests.ambassadors.factories import CohortFactory
    from tests.factories import UserFactory, region, service_area, topic
    from tests.messaging.factories import RelationshipFactory

    zed = UserFactory(email=ZED["email"], full_name=ZED["name"])
    EmailAddress.objects.create(user=zed, email=ZED["other_address"], verified=False, primary=False)
    # accounts: a mutual of their own, an invitation sent, a mentor profile (vetted)
    from accounts.forms import MutualForm

    form = MutualForm(data=mutual_form_data(name="Zed's Mutual"))
    assert form.is_valid(), form.errors
    mutual = accounts_services.mutual_create(user=zed, data=form.cleaned_data)
    accounts_services.invitation_send(mutual=mutual, invited_by=zed, email="a.colleague@example.org")
    from accounts.forms import MentorProfileForm

    profile_form = MentorProfileForm(data=profile_form_data(bio=ZED["words"][6]))
    assert profile_form.is_valid(), profile_form.errors
    profile = accounts_services.mentor_profile_create(user=zed, data=profile_form.cleaned_data)
    accounts_services.mentor_approve(profile=profile, approved_by=staff)
    preferences_update(user=zed, wanted=["messages"])
    # matching: a request
    matching_services.request_submit(
        user=zed,
        mutual=mutual,
        title=ZED["words"][0],
        topics=[topic("pensions")],
        service_area=service_area(),
        format="either",
        urgency="soon",
        description="We need help.",
    )
    # messaging: a relationship with Bob, messages, a goal, a check-in, feedback, a report
    relationship = RelationshipFactory(mentor=mentor.mentor_profile, mutual=mutual)
    services.message_send(relationship=relationship, author=zed, body=ZED["words"][1])
    bobs = services.message_send(relationship=relationship, author=mentor, body="Bob's reply")
    services.goal_create(relationship=relationship, user=zed, title=ZED["words"][2])
    from django.utils import timezone

    services.check_in_create(
        relationship=relationship,
        user=zed,
        met_on=timezone.localdate(),
        duration_minutes=30,
        format="remote",
        notes=ZED["words"][3],
    )
    services.message_report(message=bobs, user=zed, reason="other", details=ZED["words"][5])
    services.relationship_pause(relationship=relationship, user=zed, note="A short break")
    services.relationship_complete(relationship=relationship, user=zed)
    services.feedback_give(
        relationship=relationship,
        user=zed,
        rating=4,
        goal_progress="some",
        would_recommend=True,
        comments=ZED["words"][4],
    )
    # ambassadors: applied and appointed, a public profile, a nomination made and one received, a request made
    cohort = CohortFactory()
    application = ambassador_services.application_submit(
        cohort=cohort,
        applicant=zed,
        organisation="Zed's Mutual",
        motivation=ZED["words"][7],
        experience=ZED["words"][8],
        service_areas=[service_area()],
        region=region(),
        topics=[topic()],
        time_commitment="monthly",
        engagements_per_quarter=2,
    )
    ambassador_services.application_move(application=application, to_status="shortlisted", actor=staff)
    ambassador_services.application_move(application=application, to_status="appointed", actor=staff)
    ambassador = zed.ambassador
    ambassador_services.ambassador_update(
        ambassador=ambassador,
        headline="Zed, ambassador",
        organisation="Zed's Mutual",
        bio=ZED["words"][9],
        service_areas=[service_area()],
        region=region(),
        topics=[topic()],
        format="either",
        engagements_per_quarter=2,
    )
    ambassador_services.nomination_create(
        cohort=cohort, nominated_by=zed, nominee_name="Nina", nominee_email="nina@example.org", reason=ZED["words"][10]
    )
    ambassador_services.nomination_create(
        cohort=cohort, nominated_by=staff, nominee_name=ZED["name"], nominee_email=ZED["other_address"], reason="Good"
    )
    ambassador_services.engagement_request_create(
        requested_by=zed,
        kind="talk",
        title="A talk for Zed's staff",
        organisation="Zed's Mutual",
        preferred_from=timezone.localdate(),
        preferred_to=timezone.localdate(),
        region=region(),
        service_area=service_area(),
        topics=[topic()],
        audience_size=30,
        description=ZED["words"][11],
    )
    return zed


def test_a_person_who_did_everything_is_exported_whole_and_deleted_without_a_trace(
    mentor: User, staff: User, django_capture_on_commit_callbacks, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        zed = _zed_does_everything(mentor, staff)

    exported = json.dumps(json.loads(client_for(zed).get(reverse("accounts:personal_data_download")).content))
    # Everything they wrote or that is about them is in the file, from every app.
    for words in [ZED["email"], ZED["other_address"], ZED["name"], *ZED["words"]]:
        assert json.dumps(words)[1:-1] in exported, words
    data = json.loads(exported)
    for section in (
        "mutual_memberships",
        "mentor_profile",
        "mutual_invitations",
        "mentoring_requests_created",
        "relationships",
        "messages_written",
        "goals_proposed",
        "check_ins_logged",
        "feedback_given",
        "messages_reported",
        "ambassador_profile",
        "ambassador_applications",
        "ambassador_nominations",
        "engagement_requests_made",
        "notifications",
    ):
        assert data[section], section
    assert data["notifications"]["emails_we_send_you"]["New messages in your conversations"] is True

    bobs_notices_before = notice_texts(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(zed).post(reverse("accounts:account_delete"), {"password": PASSWORD})
    assert response.status_code == 302

    stored = _everything_stored()
    # Who they were, and what was only about them, is gone everywhere.
    for words in [ZED["email"], ZED["other_address"], ZED["name"], *(ZED["words"][i] for i in GONE)]:
        assert words not in stored, (words, _where(words))
    # What they wrote into shared records stays, no longer linked to them: the conversation, goals and check-ins
    # the other side keeps, closing feedback, a moderation report, the mutual's request, the nomination a nominee
    # can still use, and an engagement request in the programme's reports.
    for index in set(range(len(ZED["words"]))) - GONE:
        assert ZED["words"][index] in stored, ZED["words"][index]
    # Bob's notices about Zed now name a former user; nothing else about them changed.
    assert notice_texts(mentor) == [text.replace(ZED["name"], "Former user") for text in bobs_notices_before]
    # They were told, at their address, that the account has gone (and that email's record went once it was sent).
    assert [message.to for message in mail.outbox if message.subject == "Your account has been deleted"] == [
        [ZED["email"]]
    ]


def test_deleting_someone_called_e_changes_nobody_elses_notices(
    relationship: Relationship, member: User, mentor: User, client_for: ClientFor
) -> None:
    """Issue 18, finding 2: deletion replaced the person's name, as a substring, in every notice in the database."""
    from tests.factories import MembershipFactory

    colleague = MembershipFactory(mutual=relationship.mutual, user__full_name="e", user__email="e@example.org").user
    services.relationship_pause(relationship=relationship, user=colleague, note="")
    services.goal_create(relationship=relationship, user=member, title="Agree the pension plan")
    services.message_send(relationship=relationship, author=mentor, body="Hello everyone")
    before = {user.pk: notice_texts(user) for user in (member, mentor)}
    stored_params = list(Notice.objects.exclude(user=colleague).order_by("pk").values_list("params", flat=True))

    client_for(colleague).post(reverse("accounts:account_delete"), {"password": PASSWORD})

    assert not User.objects.filter(pk=colleague.pk).exists()
    # Not a character of anyone's notice was rewritten...
    assert list(Notice.objects.order_by("pk").values_list("params", flat=True)) == stored_params
    # ...yet the notices about what they did now name a former user: they refer to people by reference.
    for user in (member, mentor):
        expected = [
            "Former user" + text.removeprefix("e") if text.startswith("e paused") else text for text in before[user.pk]
        ]
        assert notice_texts(user) == expected
        assert any(text.startswith("Former user paused your mentoring relationship") for text in expected)
