"""Closing feedback on a mentoring group: when the mentor closes the group, or a mutual leaves it, its mentor and
the mutual's members are each asked for the same closing feedback as a relationship's; each person answers once and
sees only their own answers; the programme team sees them only in aggregate, where a relationship's appear too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Mutual, SupportTopic, User
from messaging.models import Feedback, GroupMember, MentoringGroup
from messaging.services import RelationshipError
from messaging.services import groups as services
from notifications.models import Notice
from tests.clients import ClientFor
from tests.markup import assert_well_formed_page
from tests.messaging.factories import RelationshipFactory

pytestmark = pytest.mark.django_db

ANSWERS = {"rating": "4", "goal_progress": "most", "would_recommend": "yes", "comments": "We kept our pensions."}


def _place(group: MentoringGroup, mutual: Mutual) -> GroupMember:
    return GroupMember.objects.get(group=group, mutual=mutual)


def _feedback_url(place: GroupMember) -> str:
    return reverse("messaging:group_feedback", kwargs={"pk": place.group_id, "place_pk": place.pk})


def test_when_the_mentor_closes_the_group_each_side_gives_feedback_once_and_sees_only_their_own(
    client_for: ClientFor, member: User, mentor: User, group: MentoringGroup, fire_mutuals: list[Mutual]
) -> None:
    services.group_close(group=group, user=mentor, reason="Transfers done.")
    riverside = _place(group, fire_mutuals[0])
    notice = Notice.objects.get(event="group_closed", user=member)
    assert notice.text.endswith("Tell us how it went.")
    assert notice.url == reverse("messaging:group_detail", kwargs={"pk": group.pk}) + "#feedback"
    # Alice is asked about her own mutual only; the mentor about each mutual.
    page = client_for(member).get(notice.url).content.decode()
    assert _feedback_url(riverside) in page
    assert _feedback_url(_place(group, fire_mutuals[1])) not in page
    mentor_page = client_for(mentor).get(notice.url).content.decode()
    assert all(_feedback_url(_place(group, mutual)) in mentor_page for mutual in fire_mutuals)

    done = client_for(member).post(_feedback_url(riverside), ANSWERS, follow=True)

    assert "Thank you for your feedback." in done.content.decode()
    assert "4 out of 5" in done.content.decode() and "We kept our pensions." in done.content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.group_place, feedback.relationship, feedback.author) == (riverside, None, member)
    assert (feedback.rating, feedback.goal_progress, feedback.would_recommend) == (4, "most", True)
    assert "Given" in client_for(member).get(notice.url).content.decode()

    again = client_for(member).post(_feedback_url(riverside), {**ANSWERS, "rating": "1"})
    assert again.status_code == 200
    assert "govuk-error-summary" in again.content.decode()
    assert "You have already given feedback on Riverside" in again.content.decode()
    assert_well_formed_page(again.content, title_starts="Error: ")  # its error summary links to the words on it
    assert Feedback.objects.get().rating == 4
    with pytest.raises(RelationshipError, match="already given feedback"):
        services.group_feedback_give(
            place=riverside, user=member, rating=2, goal_progress="none", would_recommend=False
        )

    # The mentor answers on the same place for themself, and never sees Alice's answers.
    mentor_form = client_for(mentor).get(_feedback_url(riverside)).content.decode()
    assert "We kept our pensions." not in mentor_form and "Send feedback" in mentor_form
    client_for(mentor).post(_feedback_url(riverside), {**ANSWERS, "comments": "A strong board."})
    assert Feedback.objects.filter(group_place=riverside).count() == 2
    mentors_own = client_for(mentor).get(_feedback_url(riverside)).content.decode()
    assert "A strong board." in mentors_own and "We kept our pensions." not in mentors_own


def test_a_mutual_that_leaves_is_asked_for_feedback_and_so_is_the_mentor(
    client_for: ClientFor, member: User, mentor: User, group: MentoringGroup, fire_mutuals: list[Mutual]
) -> None:
    lena = User.objects.get(email="lena@example.org")
    lakeside = _place(group, fire_mutuals[2])
    left = client_for(lena).post(reverse("messaging:group_leave", kwargs={"pk": group.pk}), {"confirm": "on"})
    assert left.url == _feedback_url(lakeside)
    assert Notice.objects.get(event="group_feedback_due", user=lena).url == _feedback_url(lakeside)
    mentors_notice = Notice.objects.get(event="group_mutual_left", user=mentor)
    assert mentors_notice.url == _feedback_url(lakeside)
    assert (
        mentors_notice.text
        == "Lakeside Fire Mutual left the group “Fire mutuals facing TUPE”. Tell us how it went for them."
    )
    # Lena no longer sees the group, but can still answer about her mutual's time in it.
    assert client_for(lena).get(reverse("messaging:group_detail", kwargs={"pk": group.pk})).status_code == 404
    assert client_for(lena).post(_feedback_url(lakeside), ANSWERS).status_code == 302
    assert client_for(mentor).post(_feedback_url(lakeside), ANSWERS).status_code == 302
    assert Feedback.objects.filter(group_place=lakeside).count() == 2
    # The group is still open: the mutuals still in it are not asked yet.
    waiting = client_for(member).get(_feedback_url(_place(group, fire_mutuals[0])))
    assert "You can give feedback once the group has closed" in waiting.content.decode()
    refused = client_for(member).post(_feedback_url(_place(group, fire_mutuals[0])), ANSWERS)
    assert "govuk-error-summary" in refused.content.decode()
    assert "once the group has closed or Riverside" in refused.content.decode()
    assert not Feedback.objects.filter(author=member).exists()


def test_nobody_else_can_open_or_answer_a_places_feedback(
    client_for: ClientFor,
    member: User,
    mentor: User,
    outsider: User,
    staff: User,
    group: MentoringGroup,
    fire_mutuals: list[Mutual],
) -> None:
    services.group_close(group=group, user=mentor)
    hillside = _place(group, fire_mutuals[1])
    # Alice is in the group, but Hillside's feedback is Olivia's and the mentor's to give.
    for person in (member, outsider, staff):
        client = client_for(person)
        assert client.get(_feedback_url(hillside)).status_code == 404
        assert client.post(_feedback_url(hillside), ANSWERS).status_code == 404
    other_group = reverse("messaging:group_feedback", kwargs={"pk": group.pk + 1, "place_pk": hillside.pk})
    assert client_for(mentor).get(other_group).status_code == 404
    missing = reverse("messaging:group_feedback", kwargs={"pk": group.pk, "place_pk": hillside.pk + 99})
    assert client_for(mentor).get(missing).status_code == 404
    with pytest.raises(RelationshipError, match="not part of this mentoring group"):
        services.group_feedback_give(place=hillside, user=member, rating=5, goal_progress="all", would_recommend=True)
    assert not Feedback.objects.exists()


def test_bad_answers_come_back_with_an_error_summary(
    client_for: ClientFor, member: User, mentor: User, group: MentoringGroup, fire_mutuals: list[Mutual]
) -> None:
    services.group_close(group=group, user=mentor)
    response = client_for(member).post(_feedback_url(_place(group, fire_mutuals[0])), {"rating": "9"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Choose how much progress you made on your goals" in html
    assert not Feedback.objects.exists()


def test_the_programme_team_sees_group_feedback_only_in_aggregate_with_relationships(
    client_for: ClientFor, member: User, mentor: User, staff: User, group: MentoringGroup, fire_mutuals: list[Mutual]
) -> None:
    services.group_close(group=group, user=mentor)
    riverside = _place(group, fire_mutuals[0])
    services.group_feedback_give(
        place=riverside, user=member, rating=5, goal_progress="all", would_recommend=True, comments="Private words"
    )
    services.group_feedback_give(place=riverside, user=mentor, rating=4, goal_progress="most", would_recommend=True)
    relationship = RelationshipFactory(status="completed")
    Feedback.objects.create(
        relationship=relationship, author=None, rating=3, goal_progress="some", would_recommend=False
    )

    groups_page = client_for(staff).get(reverse("messaging:staff_group_list")).content.decode()
    assert "4.5 out of 5" in groups_page and "(2 answers)" in groups_page
    assert "Private words" not in groups_page
    # The programme's average closing rating counts both kinds: (5 + 4 + 3) / 3.
    dashboard = client_for(staff).get(reverse("programme:dashboard")).content.decode()
    assert "4.0 out of 5" in dashboard
    assert "Private words" not in dashboard


def test_a_closed_groups_outcome_survey_opens_once_per_person_and_counts_in_the_summary(
    client_for: ClientFor,
    member: User,
    mentor: User,
    staff: User,
    group: MentoringGroup,
    fire_mutuals: list[Mutual],
    tupe: SupportTopic,
) -> None:
    from outcomes import tasks as outcome_tasks
    from outcomes.models import Survey

    services.group_close(group=group, user=mentor)
    # The mentor once per mutual; Alice, Olivia and Lena once each. A second run opens nothing.
    assert outcome_tasks.open_due_surveys()["closing"] == 6
    assert outcome_tasks.open_due_surveys()["closing"] == 0
    assert Survey.objects.filter(respondent=mentor, group_place__group=group).count() == 3
    survey = Survey.objects.get(respondent=member)
    assert (survey.kind, survey.side, survey.group_place) == ("closing", "mutual", _place(group, fire_mutuals[0]))
    listed = client_for(member).get(reverse("outcomes:survey_list")).content.decode()
    assert "in the mentoring group “Fire mutuals facing TUPE”" in listed
    url = reverse("outcomes:survey_answer", kwargs={"pk": survey.pk})
    answers = {
        "spun_out": "no",
        "contract_won": "yes",
        "staff_transferred": "yes",
        "stage_moved": "no",
        f"before_{tupe.pk}": "2",
        f"after_{tupe.pk}": "4",
    }
    assert client_for(member).post(url, answers).status_code == 302
    survey.refresh_from_db()
    assert survey.is_answered and survey.contract_won
    # Nobody else opens Alice's survey; the programme team sees it only in the totals.
    assert client_for(mentor).get(url).status_code == 404
    summary = client_for(staff).get(reverse("outcomes:summary")).content.decode()
    assert "1 of 6" in summary
