"""Reporting a message in a mentoring group's conversation: any party reports someone else's message with a
reason; it reaches the programme team's moderation queue beside a pair's reports, and hiding, suspending, undoing
and dismissing work on it. Nobody outside the group can report, and a GET changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Mutual, User
from messaging.models import GroupMessage, MentoringGroup, MessageReport, ModerationAction
from messaging.services import RelationshipError, moderation
from messaging.services import groups as services
from notifications.models import Notice
from tests.clients import ClientFor

pytestmark = pytest.mark.django_db


@pytest.fixture
def olivias_message(group: MentoringGroup) -> GroupMessage:
    olivia = User.objects.get(email="olivia@example.org")
    return services.group_message_send(group=group, user=olivia, body="Book my paid TUPE workshop, £500 a head.")


def _report_url(message: GroupMessage) -> str:
    return reverse("messaging:group_message_report", kwargs={"pk": message.group_id, "message_pk": message.pk})


def test_a_member_reports_a_group_message_and_the_programme_team_hides_it(
    client_for: ClientFor, member: User, staff: User, group: MentoringGroup, olivias_message: GroupMessage
) -> None:
    olivia = olivias_message.author
    assert olivia is not None
    detail = reverse("messaging:group_detail", kwargs={"pk": group.pk})
    assert _report_url(olivias_message) in client_for(member).get(detail).content.decode()

    done = client_for(member).post(
        _report_url(olivias_message), {"reason": "spam", "details": "Selling his services"}, follow=True
    )

    assert "The programme team will look at the message you reported" in done.content.decode()
    report = MessageReport.objects.get()
    assert (report.group_message, report.message, report.reported_by) == (olivias_message, None, member)
    assert Notice.objects.filter(event="message_reported", user=staff).exists()
    # The same queue as a pair's reports, saying which group it came from.
    queue = client_for(staff).get(reverse("messaging:moderation_report_list")).content.decode()
    assert "“Fire mutuals facing TUPE”" in queue
    report_page = reverse("messaging:moderation_report_detail", kwargs={"pk": report.pk})
    assert "Book my paid TUPE workshop" in client_for(staff).get(report_page).content.decode()

    hidden = client_for(staff).post(
        reverse("messaging:moderation_message_hide", kwargs={"pk": report.pk}), {"note": "Selling"}, follow=True
    )

    assert "The message is hidden." in hidden.content.decode()
    olivias_message.refresh_from_db()
    assert olivias_message.hidden_by == staff
    report.refresh_from_db()
    assert not report.is_open
    action = ModerationAction.objects.get(action=ModerationAction.Action.HIDE_MESSAGE)
    assert (action.target_group_message, action.target_user) == (olivias_message, olivia)
    page = client_for(member).get(detail).content.decode()
    assert "This message was hidden by the programme team" in page
    assert "Book my paid TUPE workshop" not in page
    told = Notice.objects.get(event="message_hidden", user=olivia)
    assert told.url == f"{detail}#group-message-{olivias_message.pk}"

    client_for(staff).post(reverse("messaging:moderation_message_restore", kwargs={"pk": report.pk}), {"note": "Ok"})
    assert "Book my paid TUPE workshop" in client_for(member).get(detail).content.decode()


def test_the_programme_team_suspends_the_author_and_lifts_it(
    client_for: ClientFor, mentor: User, staff: User, olivias_message: GroupMessage
) -> None:
    report = moderation.group_message_report(message=olivias_message, user=mentor, reason="abusive")
    client_for(staff).post(reverse("messaging:moderation_account_suspend", kwargs={"pk": report.pk}), {"note": "X"})
    olivia = User.objects.get(email="olivia@example.org")
    assert not olivia.is_active
    client_for(staff).post(reverse("messaging:moderation_account_reinstate", kwargs={"pk": report.pk}), {"note": "Y"})
    olivia.refresh_from_db()
    assert olivia.is_active
    other = moderation.group_message_report(
        message=services.group_message_send(group=olivias_message.group, user=olivia, body="Sorry"),
        user=mentor,
        reason="other",
    )
    client_for(staff).post(reverse("messaging:moderation_report_dismiss", kwargs={"pk": other.pk}), {"note": "Fine"})
    other.refresh_from_db()
    assert not other.is_open and not GroupMessage.objects.get(pk=other.group_message_id).is_hidden


def test_nobody_reports_their_own_message_or_twice_and_a_reason_is_needed(
    client_for: ClientFor, member: User, group: MentoringGroup, olivias_message: GroupMessage
) -> None:
    own = services.group_message_send(group=group, user=member, body="Our plan")
    page = client_for(member).get(reverse("messaging:group_detail", kwargs={"pk": group.pk})).content.decode()
    assert _report_url(own) not in page  # no link to report your own message
    refused = client_for(member).post(_report_url(own), {"reason": "spam"})
    assert refused.status_code == 200
    assert "You cannot report your own message." in refused.content.decode()
    assert "govuk-error-summary" in refused.content.decode()

    no_reason = client_for(member).post(_report_url(olivias_message), {"details": "?"})
    assert "Choose why you are reporting this message" in no_reason.content.decode()
    assert "govuk-error-summary" in no_reason.content.decode()

    client_for(member).post(_report_url(olivias_message), {"reason": "spam"})
    again = client_for(member).post(_report_url(olivias_message), {"reason": "spam"})
    assert "You have already reported this message." in again.content.decode()
    assert MessageReport.objects.count() == 1


def test_outsiders_and_a_mutual_that_left_cannot_report_and_a_get_changes_nothing(
    client_for: ClientFor,
    member: User,
    outsider: User,
    staff: User,
    group: MentoringGroup,
    fire_mutuals: list[Mutual],
    olivias_message: GroupMessage,
) -> None:
    lena = User.objects.get(email="lena@example.org")
    services.group_leave(group=group, user=lena, mutual=fire_mutuals[2])
    for person in (outsider, staff, lena):
        client = client_for(person)
        assert client.get(_report_url(olivias_message)).status_code == 404
        assert client.post(_report_url(olivias_message), {"reason": "spam"}).status_code == 404
    with pytest.raises(RelationshipError, match="not part of this mentoring group"):
        moderation.group_message_report(message=olivias_message, user=lena, reason="spam")
    # A message id from another group is the same 404.
    missing = reverse("messaging:group_message_report", kwargs={"pk": group.pk, "message_pk": olivias_message.pk + 99})
    assert client_for(member).get(missing).status_code == 404
    assert client_for(member).get(_report_url(olivias_message)).status_code == 200
    assert not MessageReport.objects.exists()
