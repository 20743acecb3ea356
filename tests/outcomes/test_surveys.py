"""Pulse and closing surveys: opened on schedule for both sides, answered by each person for themselves, seen by the
programme team only in aggregate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging.models import Relationship
from notifications.models import Notice, OutboundEmail
from outcomes import selectors, services
from outcomes.models import Survey
from tests.clients import ClientFor
from tests.factories import topic
from tests.matching.factories import MentoringRequestFactory
from tests.messaging.factories import RelationshipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("days", "expected"),
    [(0, None), (29, None), (30, (1, 30)), (89, (1, 30)), (90, (2, 90)), (149, (2, 90)), (150, (3, 150))],
)
def test_a_pulse_is_due_at_thirty_days_then_every_sixty(days: int, expected: tuple[int, int] | None) -> None:
    start = date(2026, 1, 1)
    due = services.pulse_due(start, start + timedelta(days=days))
    assert due == (None if expected is None else (expected[0], start + timedelta(days=expected[1])))


def _pair(member: User, mentor: User, **fields: object) -> Relationship:
    return RelationshipFactory(mentor=mentor.mentor_profile, mutual=member.mutuals.get(), **fields)


def test_both_sides_get_the_pulse_once_however_often_the_task_runs(
    member: User, mentor: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    relationship = _pair(member, mentor, started_at=timezone.now() - timedelta(days=95))

    with django_capture_on_commit_callbacks(execute=True):
        first = services.surveys_open_due()
        second = services.surveys_open_due()

    assert (first.pulse, second.pulse) == (2, 0)
    surveys = Survey.objects.filter(relationship=relationship)
    assert sorted((s.respondent_id, s.side, s.number) for s in surveys) == sorted(
        [(member.pk, "mutual", 2), (mentor.pk, "mentor", 2)]
    )
    assert Notice.objects.filter(event="outcome_survey_due").count() == 2


def test_a_closed_relationship_gets_one_outcome_survey_per_person(member: User, mentor: User) -> None:
    _pair(member, mentor, status=Relationship.Status.COMPLETED, ended_at=timezone.now() - timedelta(days=2))

    services.surveys_open_due()
    services.surveys_open_due()

    assert Survey.objects.filter(kind=Survey.Kind.CLOSING).count() == 2


def test_a_person_answers_their_pulse_and_reads_back_their_own_answers(
    member: User, mentor: User, client_for: ClientFor
) -> None:
    _pair(member, mentor, started_at=timezone.now() - timedelta(days=31))
    services.surveys_open_due()
    survey = Survey.objects.get(respondent=member)
    url = reverse("outcomes:survey_answer", kwargs={"pk": survey.pk})
    client = client_for(member)

    response = client.post(url, {"usefulness": "4", "what_changed": "We chose a legal form <b>at last</b>."})

    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.usefulness, survey.what_changed, survey.is_answered) == (
        4,
        "We chose a legal form <b>at last</b>.",
        True,
    )
    page = client.get(url).content.decode()
    assert "4 out of 5" in page and "&lt;b&gt;at last&lt;/b&gt;" in page
    # Answering again changes nothing.
    client.post(url, {"usefulness": "1"})
    survey.refresh_from_db()
    assert survey.usefulness == 4


def test_a_missing_answer_says_what_to_do(member: User, mentor: User, client_for: ClientFor) -> None:
    _pair(member, mentor, started_at=timezone.now() - timedelta(days=31))
    services.surveys_open_due()
    survey = Survey.objects.get(respondent=member)

    response = client_for(member).post(reverse("outcomes:survey_answer", kwargs={"pk": survey.pk}), {})

    assert response.status_code == 200
    assert "Choose how useful the mentoring has been" in response.content.decode()


@pytest.mark.parametrize("persona", ["mentor", "ambassador", "staff", "outsider"])
def test_nobody_else_can_see_or_answer_a_persons_survey(
    persona_client: Callable[[str], Client], persona: str, member: User, mentor: User
) -> None:
    _pair(member, mentor, started_at=timezone.now() - timedelta(days=31))
    services.surveys_open_due()
    survey = Survey.objects.get(respondent=member)
    url = reverse("outcomes:survey_answer", kwargs={"pk": survey.pk})
    client = persona_client(persona)

    assert client.get(url).status_code == 404
    assert client.post(url, {"usefulness": "1"}).status_code == 404
    survey.refresh_from_db()
    assert not survey.is_answered


def test_the_closing_survey_asks_about_each_requested_topic(member: User, mentor: User, client_for: ClientFor) -> None:
    request = MentoringRequestFactory(mutual=member.mutuals.get(), topics=[topic("pensions"), topic("tax")])
    _pair(member, mentor, request=request, status=Relationship.Status.COMPLETED, ended_at=timezone.now())
    services.surveys_open_due()
    survey = Survey.objects.get(respondent=member)
    url = reverse("outcomes:survey_answer", kwargs={"pk": survey.pk})
    pensions, tax = topic("pensions"), topic("tax")
    data = {
        "spun_out": "yes",
        "contract_won": "no",
        "staff_transferred": "yes",
        "stage_moved": "yes",
        f"before_{pensions.pk}": "1",
        f"after_{pensions.pk}": "4",
        f"before_{tax.pk}": "2",
        f"after_{tax.pk}": "3",
    }

    assert client_for(member).post(url, data).status_code == 302

    survey.refresh_from_db()
    assert (survey.spun_out, survey.contract_won, survey.staff_transferred, survey.stage_moved) == (
        True,
        False,
        True,
        True,
    )
    assert sorted((c.topic.slug, c.before, c.after) for c in survey.confidence.all()) == [
        ("pensions", 1, 4),
        ("tax", 2, 3),
    ]


def test_the_programme_team_sees_totals_and_averages_but_no_free_text(
    member: User, mentor: User, staff: User, client_for: ClientFor
) -> None:
    _pair(member, mentor, started_at=timezone.now() - timedelta(days=31))
    services.surveys_open_due()
    for survey, score in zip(Survey.objects.order_by("pk"), (2, 5), strict=True):
        services.survey_answer_pulse(
            survey=survey, user=survey.respondent, usefulness=score, what_changed="Private words", comments=""
        )

    summary = selectors.outcome_summary()
    assert (summary.pulses_sent, summary.pulses_answered, summary.usefulness) == (2, 2, 3.5)
    page = client_for(staff).get(reverse("outcomes:summary")).content.decode()
    assert "3.5 out of 5" in page
    assert "Private words" not in page


@pytest.mark.parametrize("persona", ["member", "mentor", "ambassador", "outsider"])
def test_only_the_programme_team_sees_the_aggregates(persona_client: Callable[[str], Client], persona: str) -> None:
    assert persona_client(persona).get(reverse("outcomes:summary")).status_code == 404


def test_posts_need_the_csrf_token(member: User, mentor: User) -> None:
    _pair(member, mentor, started_at=timezone.now() - timedelta(days=31))
    services.surveys_open_due()
    survey = Survey.objects.get(respondent=member)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)

    response = strict.post(reverse("outcomes:survey_answer", kwargs={"pk": survey.pk}), {"usefulness": "3"})

    assert response.status_code == 403
    survey.refresh_from_db()
    assert not survey.is_answered


def test_the_daily_task_run_twice_opens_and_tells_once(member: User, mentor: User) -> None:
    from outcomes.tasks import open_due_surveys

    _pair(member, mentor, started_at=timezone.now() - timedelta(days=31))

    assert open_due_surveys() == {"pulse": 2, "closing": 0}
    assert open_due_surveys() == {"pulse": 0, "closing": 0}
    assert Notice.objects.filter(event="outcome_survey_due").count() == 2


def test_seed_demo_gives_answered_surveys_without_sending_anything() -> None:
    import io

    from django.core.management import call_command

    call_command("seed_demo", size=40, seed=3, stdout=io.StringIO())
    notices = Notice.objects.filter(event="outcome_survey_due").count()
    surveys = Survey.objects.count()
    call_command("seed_demo", size=40, seed=3, stdout=io.StringIO())

    assert Survey.objects.filter(answered_at__isnull=False).exists()
    assert Survey.objects.count() == surveys  # the second run adds nothing
    assert notices == 0
    assert selectors.outcome_summary().pulses_answered > 0


def test_the_dashboard_says_when_surveys_are_waiting(member: User, mentor: User, client_for: ClientFor) -> None:
    client = client_for(member)
    assert "Answer your surveys" not in client.get(reverse("accounts:dashboard")).content.decode()
    _pair(member, mentor, started_at=timezone.now() - timedelta(days=31))
    services.surveys_open_due()

    page = client.get(reverse("accounts:dashboard")).content.decode()

    assert "1 short survey about your mentoring is waiting for your answers" in page
    assert reverse("outcomes:survey_list") in page


def _opened_days_ago(days: int) -> None:
    Survey.objects.update(created_at=timezone.now() - timedelta(days=days))


def test_an_unanswered_survey_is_reminded_once_a_week_after_it_opened_however_often_the_task_runs(
    member: User, mentor: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from outcomes.tasks import remind_unanswered_surveys

    _pair(member, mentor, started_at=timezone.now() - timedelta(days=40))
    services.surveys_open_due()
    _opened_days_ago(6)
    assert remind_unanswered_surveys() == 0  # not yet: the first notice went out six days ago

    _opened_days_ago(8)
    with django_capture_on_commit_callbacks(execute=True):
        first, second = remind_unanswered_surveys(), remind_unanswered_surveys()
    _opened_days_ago(15)  # and no third nudge a week later
    third = remind_unanswered_surveys()

    assert (first, second, third) == (2, 0, 0)
    reminders = Notice.objects.filter(event="outcome_survey_reminder")
    assert sorted(n.user_id for n in reminders) == sorted([member.pk, mentor.pk])
    assert "still waiting for your answers" in reminders.first().text  # type: ignore[union-attr]
    assert OutboundEmail.objects.filter(event="outcome_survey_reminder").count() == 2
    assert Survey.objects.filter(reminded_at__isnull=True).count() == 0


def test_no_reminder_for_an_answered_overtaken_or_stale_survey(member: User, mentor: User) -> None:
    relationship = _pair(member, mentor, started_at=timezone.now() - timedelta(days=40))
    services.surveys_open_due()
    mine = Survey.objects.get(respondent=member)
    services.survey_answer_pulse(survey=mine, user=member, usefulness=4, what_changed="", comments="")
    _opened_days_ago(8)
    # The mentor's pulse 1 is overtaken by pulse 2: only the newer one is worth a reminder.
    theirs = Survey.objects.get(respondent=mentor)
    newer = Survey.objects.create(
        relationship=relationship, respondent=mentor, side="mentor", kind="pulse", number=2, due_on=date.today()
    )
    Survey.objects.filter(pk=newer.pk).update(created_at=timezone.now() - timedelta(days=30))  # too old to remind

    assert services.surveys_remind_unanswered() == 0
    theirs.refresh_from_db()
    assert theirs.reminded_at is None
    assert not Notice.objects.filter(event="outcome_survey_reminder").exists()


def test_the_closing_survey_is_reminded_but_not_a_pulse_about_a_closed_relationship(member: User, mentor: User) -> None:
    relationship = _pair(member, mentor, started_at=timezone.now() - timedelta(days=40))
    services.surveys_open_due()
    Relationship.objects.filter(pk=relationship.pk).update(
        status=Relationship.Status.COMPLETED, ended_at=timezone.now() - timedelta(days=1)
    )
    services.surveys_open_due()
    _opened_days_ago(8)

    assert services.surveys_remind_unanswered() == 2
    assert set(Survey.objects.filter(reminded_at__isnull=False).values_list("kind", flat=True)) == {"closing"}
