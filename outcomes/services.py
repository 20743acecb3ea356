"""Every write to surveys: opening the ones that are due (daily task) and a person answering their own.

Functions are keyword-only and atomic and check the state first; SurveyError's message is shown to the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import SupportTopic, User
from messaging.models import GroupMember, MentoringGroup, Relationship
from messaging.selectors import parties_of
from notifications.services import notify
from outcomes.models import Survey, TopicConfidence

FIRST_PULSE_AFTER = timedelta(days=30)
PULSE_EVERY = timedelta(days=60)
# A closing survey is opened for relationships that closed this recently (not for ones closed before surveys began).
CLOSING_WITHIN = timedelta(days=60)
# An unanswered survey is reminded once, this long after it opened; surveys older than REMIND_UNTIL are left alone
# (a task that did not run for a while does not wake up months-old surveys).
REMIND_AFTER = timedelta(days=7)
REMIND_UNTIL = timedelta(days=21)


class SurveyError(Exception):
    """A change the rules do not allow. The message is shown to the person who asked for it."""


def pulse_due(started_on: date, today: date) -> tuple[int, date] | None:
    """The latest pulse survey due by today, as (number, due date): 1 at 30 days, 2 at 90, 3 at 150 ..."""
    if today < started_on + FIRST_PULSE_AFTER:
        return None
    number = 1 + (today - started_on - FIRST_PULSE_AFTER) // PULSE_EVERY
    return number, started_on + FIRST_PULSE_AFTER + PULSE_EVERY * (number - 1)


@dataclass(frozen=True)
class OpenedSurveys:
    pulse: int
    closing: int


def _open(relationship: Relationship, kind: str, number: int, due_on: date) -> int:
    """Open the survey for each party who does not have it yet, and tell them. Returns how many were opened."""
    return _open_for(
        about={"relationship": relationship},
        parties=parties_of(relationship),
        mentor_user_id=relationship.mentor.user_id if relationship.mentor is not None else None,
        names={"mentor": relationship.mentor_name, "mutual": relationship.mutual.name},
        kind=kind,
        number=number,
        due_on=due_on,
    )


def _open_for_place(place: GroupMember, due_on: date) -> int:
    """The closing survey about one mutual's time in a mentoring group, for its mentor and the mutual's members."""
    group = place.group
    mentor = group.mentor.user if group.mentor is not None else None
    members = list(User.objects.filter(memberships__mutual=place.mutual_id).order_by("pk"))
    return _open_for(
        about={"group_place": place},
        parties=[*([mentor] if mentor is not None else []), *[person for person in members if person != mentor]],
        mentor_user_id=mentor.pk if mentor is not None else None,
        names={"mentor": group.mentor_name, "mutual": place.mutual.name},
        kind=Survey.Kind.CLOSING,
        number=0,
        due_on=due_on,
    )


def _open_for(
    *,
    about: dict[str, Relationship | GroupMember],
    parties: list[User],
    mentor_user_id: int | None,
    names: dict[str, str],
    kind: str,
    number: int,
    due_on: date,
) -> int:
    opened = 0
    for person in parties:
        side = Survey.Side.MENTOR if person.pk == mentor_user_id else Survey.Side.MUTUAL
        try:
            # The unique constraint claims the survey: a second run, or two workers at once, open it once.
            with transaction.atomic():
                survey = Survey.objects.create(
                    **about, respondent=person, side=side, kind=kind, number=number, due_on=due_on
                )
                notify(
                    "outcome_survey_due",
                    to=[person],
                    params={**names, "survey": Survey.Kind(kind).label.lower()},
                    url=reverse("outcomes:survey_answer", kwargs={"pk": survey.pk}),
                    dedupe=f"survey:{survey.pk}",
                )
        except IntegrityError:
            continue
        opened += 1
    return opened


def surveys_open_due(*, today: date | None = None) -> OpenedSurveys:
    """Open every survey that has fallen due and tell its respondent. Safe to run twice: nothing is opened or sent
    twice. Missed pulses are not back-filled: only the latest one due is opened."""
    today = today or timezone.localdate()
    pulses = closings = 0
    active = Relationship.objects.filter(status=Relationship.Status.ACTIVE).select_related("mentor__user", "mutual")
    existing = set(
        Survey.objects.filter(kind=Survey.Kind.PULSE, relationship__status=Relationship.Status.ACTIVE).values_list(
            "relationship_id", "number"
        )
    )
    for relationship in active.iterator(chunk_size=500):
        due = pulse_due(timezone.localdate(relationship.started_at), today)
        if due is not None and (relationship.pk, due[0]) not in existing:
            pulses += _open(relationship, Survey.Kind.PULSE, *due)
    closed = (
        Relationship.objects.filter(
            status__in=Relationship.CLOSED_STATUSES, ended_at__gte=timezone.now() - CLOSING_WITHIN
        )
        .exclude(surveys__kind=Survey.Kind.CLOSING)
        .select_related("mentor__user", "mutual")
    )
    for relationship in closed:
        closings += _open(relationship, Survey.Kind.CLOSING, 0, today)
    # A mutual's time in a mentoring group ends when it leaves or the group closes: the same closing survey.
    since = timezone.now() - CLOSING_WITHIN
    ended_places = (
        GroupMember.objects.filter(
            Q(left_at__gte=since) | Q(group__status=MentoringGroup.Status.CLOSED, group__closed_at__gte=since)
        )
        .exclude(surveys__kind=Survey.Kind.CLOSING)
        .select_related("group__mentor__user", "mutual")
    )
    for place in ended_places:
        closings += _open_for_place(place, today)
    return OpenedSurveys(pulse=pulses, closing=closings)


def _claim(survey: Survey, user: User) -> Survey:
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if locked.respondent_id != user.pk:
        raise SurveyError("This survey is for someone else.")
    if locked.answered_at is not None:
        raise SurveyError("You have already answered this survey. Thank you.")
    return locked


@transaction.atomic
def survey_answer_pulse(*, survey: Survey, user: User, usefulness: int, what_changed: str, comments: str) -> Survey:
    survey = _claim(survey, user)
    if survey.kind != Survey.Kind.PULSE:
        raise SurveyError("This is not a pulse survey.")
    survey.usefulness, survey.what_changed, survey.comments = usefulness, what_changed, comments
    survey.answered_at = timezone.now()
    survey.save(update_fields=["usefulness", "what_changed", "comments", "answered_at"])
    return survey


@transaction.atomic
def survey_answer_closing(
    *,
    survey: Survey,
    user: User,
    answers: Mapping[str, bool],
    confidence: Mapping[SupportTopic, tuple[int, int]],
    comments: str = "",
) -> Survey:
    """Record the closing outcomes (spun_out, contract_won, staff_transferred, stage_moved) and, per requested
    topic, confidence before and after."""
    survey = _claim(survey, user)
    if survey.kind != Survey.Kind.CLOSING:
        raise SurveyError("This is not an outcome survey.")
    for name in ("spun_out", "contract_won", "staff_transferred", "stage_moved"):
        setattr(survey, name, bool(answers[name]))
    survey.comments = comments
    survey.answered_at = timezone.now()
    survey.save()
    TopicConfidence.objects.bulk_create(
        [TopicConfidence(survey=survey, topic=topic, before=b, after=a) for topic, (b, a) in confidence.items()]
    )
    return survey


def surveys_remind_unanswered(*, now: datetime | None = None) -> int:
    """Remind each person of a survey still unanswered REMIND_AFTER after it opened: once per survey, never again.
    A pulse survey overtaken by a newer one, or one about a relationship no longer active, is not reminded (the
    closing survey is). Safe to run twice: each survey is claimed by setting reminded_at where it is unset.
    Returns how many reminders were sent."""
    now = now or timezone.now()
    newer_pulse = Survey.objects.filter(
        kind=Survey.Kind.PULSE,
        relationship_id=OuterRef("relationship_id"),
        respondent_id=OuterRef("respondent_id"),
        number__gt=OuterRef("number"),
    )
    due = (
        Survey.objects.filter(
            answered_at__isnull=True,
            reminded_at__isnull=True,
            created_at__lte=now - REMIND_AFTER,
            created_at__gt=now - REMIND_UNTIL,
        )
        .exclude(Q(kind=Survey.Kind.PULSE) & ~Q(relationship__status=Relationship.Status.ACTIVE))
        .exclude(Q(kind=Survey.Kind.PULSE) & Exists(newer_pulse))
        .select_related(
            "relationship__mentor__user",
            "relationship__mutual",
            "group_place__group__mentor__user",
            "group_place__mutual",
            "respondent",
        )
    )
    sent = 0
    for survey in due.iterator(chunk_size=500):
        with transaction.atomic():
            if (
                Survey.objects.filter(pk=survey.pk, reminded_at__isnull=True, answered_at__isnull=True).update(
                    reminded_at=now
                )
                != 1
            ):
                continue  # another run reminded it, or the person answered, since the list was read
            notify(
                "outcome_survey_reminder",
                to=[survey.respondent],
                params={
                    "mentor": survey.mentor_name,
                    "mutual": survey.mutual_name,
                    "survey": survey.get_kind_display().lower(),
                },
                url=reverse("outcomes:survey_answer", kwargs={"pk": survey.pk}),
                dedupe=f"survey_reminder:{survey.pk}",
            )
        sent += 1
    return sent
