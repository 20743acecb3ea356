"""Moderation: a party reports a message; staff see that message and its report only, hide it or suspend its
author, and every step is recorded with who and when."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import User
from messaging.models import Message, MessageReport, ModerationAction, Relationship
from notifications.models import Notice
from tests.clients import ClientFor, signed_in_client
from tests.messaging.factories import MessageFactory


def _report(relationship: Relationship, reporter: User, message: Message) -> object:
    return signed_in_client(reporter).post(
        reverse("messaging:message_report", kwargs={"pk": relationship.pk, "message_pk": message.pk}),
        {"reason": "abusive", "details": "Insulting"},
    )


def test_a_party_reports_a_message_and_staff_are_told(
    relationship: Relationship, member: User, mentor: User, staff: User
) -> None:
    message = MessageFactory(relationship=relationship, author=mentor, body="You are useless")
    response = _report(relationship, member, message)
    assert response.status_code == 302
    report = MessageReport.objects.get()
    assert (report.message, report.reported_by, report.reason) == (message, member, "abusive")
    assert Notice.objects.filter(user=staff, kind=Notice.Kind.MODERATION).count() == 1
    # Once per person per message, and never your own message.
    assert _report(relationship, member, message).status_code == 200
    own = MessageFactory(relationship=relationship, author=member)
    response = _report(relationship, member, own)
    assert response.status_code == 200
    assert b"cannot report your own message" in response.content
    assert MessageReport.objects.count() == 1


def test_a_report_needs_a_reason(relationship: Relationship, member: User, mentor: User, client_for: ClientFor) -> None:
    message = MessageFactory(relationship=relationship, author=mentor)
    response = client_for(member).post(
        reverse("messaging:message_report", kwargs={"pk": relationship.pk, "message_pk": message.pk}), {}
    )
    assert response.status_code == 200
    assert b"Choose why you are reporting this message" in response.content
    assert not MessageReport.objects.exists()


def test_staff_see_the_reported_message_but_not_the_rest_of_the_conversation(
    relationship: Relationship, member: User, mentor: User, staff: User, client_for: ClientFor
) -> None:
    MessageFactory(relationship=relationship, author=member, body="Private: our pension deficit")
    reported = MessageFactory(relationship=relationship, author=mentor, body="You are useless")
    _report(relationship, member, reported)
    report = MessageReport.objects.get()
    client = client_for(staff)
    listing = client.get(reverse("messaging:moderation_report_list"))
    assert listing.status_code == 200
    assert b"pension deficit" not in listing.content
    detail = client.get(reverse("messaging:moderation_report_detail", kwargs={"pk": report.pk}))
    assert detail.status_code == 200
    assert b"You are useless" in detail.content
    assert b"Insulting" in detail.content
    assert b"pension deficit" not in detail.content
    assert client.get(reverse("messaging:conversation", kwargs={"pk": relationship.pk})).status_code == 404


def test_staff_hide_a_message_with_a_recorded_reason(
    relationship: Relationship, member: User, mentor: User, staff: User, client_for: ClientFor
) -> None:
    reported = MessageFactory(relationship=relationship, author=mentor, body="You are useless")
    _report(relationship, member, reported)
    report = MessageReport.objects.get()
    url = reverse("messaging:moderation_message_hide", kwargs={"pk": report.pk})
    response = client_for(staff).post(url, {"note": ""})
    assert response.status_code == 200
    assert b"Enter why you are doing this" in response.content
    reported.refresh_from_db()
    assert reported.hidden_at is None

    assert client_for(staff).post(url, {"note": "Abusive language"}).status_code == 302
    reported.refresh_from_db()
    assert reported.hidden_by == staff
    report.refresh_from_db()
    assert report.resolved_by == staff
    action = ModerationAction.objects.get()
    assert (action.actor, action.action, action.target_message, action.target_user, action.note) == (
        staff,
        ModerationAction.Action.HIDE_MESSAGE,
        reported,
        mentor,
        "Abusive language",
    )
    assert action.created_at is not None
    conversation = client_for(member).get(reverse("messaging:conversation", kwargs={"pk": relationship.pk}))
    assert b"You are useless" not in conversation.content
    assert b"This message was hidden by the programme team" in conversation.content


def test_staff_suspend_the_author(
    relationship: Relationship, member: User, mentor: User, staff: User, client_for: ClientFor
) -> None:
    reported = MessageFactory(relationship=relationship, author=mentor, body="Spam spam spam")
    _report(relationship, member, reported)
    report = MessageReport.objects.get()
    response = client_for(staff).post(
        reverse("messaging:moderation_account_suspend", kwargs={"pk": report.pk}), {"note": "Repeated spam"}
    )
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.is_active is False
    assert ModerationAction.objects.get().action == ModerationAction.Action.SUSPEND_ACCOUNT
    # A suspended person is signed out: their next request is treated as anonymous.
    client = client_for(mentor)
    assert client.get(reverse("messaging:inbox")).status_code == 302


def test_staff_close_a_report_without_action(
    relationship: Relationship, member: User, mentor: User, staff: User, client_for: ClientFor
) -> None:
    reported = MessageFactory(relationship=relationship, author=mentor, body="Fine really")
    _report(relationship, member, reported)
    report = MessageReport.objects.get()
    url = reverse("messaging:moderation_report_dismiss", kwargs={"pk": report.pk})
    assert client_for(staff).post(url, {"note": "Not abusive"}).status_code == 302
    response = client_for(staff).post(url, {"note": "Again"})
    assert response.status_code == 200
    assert b"already been dealt with" in response.content
    assert ModerationAction.objects.count() == 1
    reported.refresh_from_db()
    assert reported.hidden_at is None


def test_parties_cannot_moderate(relationship: Relationship, member: User, mentor: User, client_for: ClientFor) -> None:
    reported = MessageFactory(relationship=relationship, author=mentor)
    _report(relationship, member, reported)
    report = MessageReport.objects.get()
    for name in (
        "moderation_message_hide",
        "moderation_account_suspend",
        "moderation_report_dismiss",
        "moderation_message_restore",
        "moderation_account_reinstate",
    ):
        response = client_for(member).post(reverse(f"messaging:{name}", kwargs={"pk": report.pk}), {"note": "x"})
        assert response.status_code == 404
    reported.refresh_from_db()
    mentor.refresh_from_db()
    assert reported.hidden_at is None and mentor.is_active
    assert not ModerationAction.objects.exists()


def test_staff_show_a_hidden_message_again(
    relationship: Relationship, member: User, mentor: User, staff: User, client_for: ClientFor
) -> None:
    reported = MessageFactory(relationship=relationship, author=mentor, body="Read in the wrong tone")
    _report(relationship, member, reported)
    report = MessageReport.objects.get()
    staff_client = client_for(staff)
    staff_client.post(reverse("messaging:moderation_message_hide", kwargs={"pk": report.pk}), {"note": "Rude"})
    restore = reverse("messaging:moderation_message_restore", kwargs={"pk": report.pk})
    assert (
        restore
        in staff_client.get(reverse("messaging:moderation_report_detail", kwargs={"pk": report.pk})).content.decode()
    )

    refused = staff_client.post(restore, {"note": ""})
    assert refused.status_code == 200 and b"Enter why you are doing this" in refused.content
    assert staff_client.post(restore, {"note": "Misread: it was a quote"}).status_code == 302

    reported.refresh_from_db()
    assert (reported.hidden_at, reported.hidden_by) == (None, None)
    conversation = client_for(member).get(reverse("messaging:conversation", kwargs={"pk": relationship.pk}))
    assert b"Read in the wrong tone" in conversation.content
    assert list(ModerationAction.objects.order_by("id").values_list("action", "note")) == [
        (ModerationAction.Action.HIDE_MESSAGE, "Rude"),
        (ModerationAction.Action.RESTORE_MESSAGE, "Misread: it was a quote"),
    ]
    again = staff_client.post(restore, {"note": "Twice"})
    assert again.status_code == 200 and b"This message is not hidden" in again.content
    assert ModerationAction.objects.count() == 2


def test_staff_lift_a_suspension(
    relationship: Relationship, member: User, mentor: User, staff: User, client_for: ClientFor
) -> None:
    reported = MessageFactory(relationship=relationship, author=mentor, body="Spam spam spam")
    _report(relationship, member, reported)
    report = MessageReport.objects.get()
    staff_client = client_for(staff)
    staff_client.post(reverse("messaging:moderation_account_suspend", kwargs={"pk": report.pk}), {"note": "Spam"})
    reinstate = reverse("messaging:moderation_account_reinstate", kwargs={"pk": report.pk})
    assert (
        reinstate
        in staff_client.get(reverse("messaging:moderation_report_detail", kwargs={"pk": report.pk})).content.decode()
    )

    assert staff_client.post(reinstate, {"note": "Account was hacked; password reset"}).status_code == 302

    mentor.refresh_from_db()
    assert mentor.is_active
    assert client_for(mentor).get(reverse("messaging:inbox")).status_code == 200
    assert ModerationAction.objects.order_by("-id").values_list("action", "target_user")[0] == (
        ModerationAction.Action.REINSTATE_ACCOUNT,
        mentor.pk,
    )
    again = staff_client.post(reinstate, {"note": "Twice"})
    assert again.status_code == 200 and b"This account is not suspended" in again.content


def test_an_account_switched_off_elsewhere_is_not_reinstated_from_a_report(
    relationship: Relationship, member: User, mentor: User, staff: User, client_for: ClientFor
) -> None:
    reported = MessageFactory(relationship=relationship, author=mentor)
    _report(relationship, member, reported)
    report = MessageReport.objects.get()
    User.objects.filter(pk=mentor.pk).update(is_active=False)  # e.g. in the admin

    response = client_for(staff).post(
        reverse("messaging:moderation_account_reinstate", kwargs={"pk": report.pk}), {"note": "Let them back"}
    )

    assert response.status_code == 200
    assert b"was not suspended through moderation" in response.content
    mentor.refresh_from_db()
    assert not mentor.is_active
    assert not ModerationAction.objects.exists()
