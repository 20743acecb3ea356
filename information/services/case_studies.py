"""Case studies: stories of mutuals, published only with the mutual's recorded consent."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import SupportTopic, User
from information.models import CaseStudy
from information.services.common import InformationError, free_slug
from messaging.models import Feedback, Goal, Relationship
from notifications.services import notify

CASE_STUDY_FIELDS = (
    "title",
    "mutual_name",
    "mutual",
    "service_area",
    "region",
    "stage_reached",
    "summary",
    "story",
    "what_helped",
)


@transaction.atomic
def case_study_create(*, author: User, data: Mapping[str, Any]) -> CaseStudy:
    case_study = CaseStudy(created_by=author, status=CaseStudy.Status.DRAFT)
    for name in CASE_STUDY_FIELDS:
        if name in data:
            setattr(case_study, name, data[name])
    case_study.slug = free_slug(CaseStudy, case_study.title)
    case_study.save()
    if "topics" in data:
        case_study.topics.set(data["topics"])
    return case_study


@transaction.atomic
def case_study_update(*, case_study: CaseStudy, data: Mapping[str, Any]) -> CaseStudy:
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    for name in CASE_STUDY_FIELDS:
        if name in data:
            setattr(case_study, name, data[name])
    case_study.save()
    if "topics" in data:
        case_study.topics.set(data["topics"])
    return case_study


def _draft_story(relationship: Relationship, goals: list[Goal], feedback: list[Feedback]) -> tuple[str, str]:
    """A first draft of the story and of "what helped", in Markdown, for the programme team to rewrite."""
    mutual = relationship.mutual
    request = relationship.request
    parts = [
        "## Where they started",
        "",
        request.description if request is not None else f"{mutual.name} asked the programme for a mentor.",
        "",
        "## What they worked on",
        "",
    ]
    parts += [f"- {goal.title} ({goal.get_status_display().lower()})" for goal in goals] or ["- (no goals recorded)"]
    started, ended = relationship.started_at, relationship.ended_at or timezone.now()
    months = max(1, round((ended - started).days / 30))
    parts += [
        "",
        "## How it went",
        "",
        f"The mentoring ran for about {months} month{'s' if months != 1 else ''}.",
    ]
    comments = [item.comments.strip() for item in feedback if item.comments.strip()]
    what_helped = "\n\n".join(comments)
    return "\n".join(parts), what_helped


@transaction.atomic
def case_study_draft_from_relationship(*, relationship: Relationship, author: User) -> CaseStudy:
    """A draft case study written from a completed relationship: its request, goals and closing feedback.

    It is a draft for the programme team to edit, and it can be published only once the mutual's consent has been
    recorded (case_study_record_consent). One draft per relationship: a second call returns the first.
    """
    relationship = (
        Relationship.objects.select_for_update(of=("self",))
        .select_related("mutual__region", "mutual__stage", "request__service_area")
        .get(pk=relationship.pk)
    )
    existing = CaseStudy.objects.filter(source_relationship=relationship).first()
    if existing is not None:
        return existing
    if relationship.status != Relationship.Status.COMPLETED:
        raise InformationError("Only a completed mentoring relationship can become a case study.")
    feedback = list(Feedback.objects.filter(relationship=relationship).order_by("created_at"))
    if not feedback:
        raise InformationError("This relationship has no closing feedback yet to write a case study from.")
    mutual = relationship.mutual
    goals = list(Goal.objects.filter(relationship=relationship).order_by("created_at"))
    topics = SupportTopic.objects.filter(
        Q(mentoring_requests=relationship.request_id)
        | Q(pk__in=Goal.topics.through.objects.filter(goal__relationship=relationship).values("supporttopic_id"))
    ).distinct()
    area = relationship.request.service_area if relationship.request is not None else mutual.service_areas.first()
    if area is None:
        raise InformationError(f"{mutual.name} has no service area to file the case study under.")
    story, what_helped = _draft_story(relationship, goals, feedback)
    case_study = CaseStudy(
        title=f"How {mutual.name} worked with a mentor"[:150],
        slug=free_slug(CaseStudy, f"{mutual.name} mentoring"),
        mutual=mutual,
        mutual_name=mutual.name,
        service_area=area,
        region=mutual.region,
        stage_reached=mutual.stage,
        summary=f"{mutual.name}, a {area.name.lower()} mutual in {mutual.region.name}, on working with a mentor."[:300],
        story=story,
        what_helped=what_helped[:4000],
        source_relationship=relationship,
        created_by=author,
    )
    try:
        with transaction.atomic():
            case_study.save()
    except IntegrityError:  # drafted by someone else at the same moment
        return CaseStudy.objects.get(source_relationship=relationship)
    case_study.topics.set(topics)
    return case_study


@transaction.atomic
def case_study_record_consent(
    *, case_study: CaseStudy, actor: User, given_by: str, given_on: date, how: str
) -> CaseStudy:
    """Record the mutual's consent to publish: who gave it, when and how (an email, a signed form...)."""
    if given_on > timezone.localdate():
        raise InformationError("The date consent was given cannot be in the future.")
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    case_study.consent_given_by = given_by
    case_study.consent_given_on = given_on
    case_study.consent_how = how
    case_study.consent_recorded_by = actor
    case_study.consent_recorded_at = timezone.now()
    case_study.save()
    return case_study


@transaction.atomic
def case_study_withdraw_consent(*, case_study: CaseStudy, actor: User) -> CaseStudy:
    """The mutual withdrew its consent: the story comes off the site at once and cannot go back without new consent."""
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    if not case_study.has_consent:
        raise InformationError("No consent is recorded for this case study.")
    case_study.status = CaseStudy.Status.DRAFT
    case_study.consent_given_by = case_study.consent_how = ""
    case_study.consent_given_on = None
    case_study.consent_recorded_by = None
    case_study.consent_recorded_at = None
    case_study.save()
    return case_study


@transaction.atomic
def case_study_publish(*, case_study: CaseStudy, actor: User) -> CaseStudy:
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    if case_study.status != CaseStudy.Status.DRAFT:
        raise InformationError(f"“{case_study.title}” is already published.")
    if not case_study.has_consent:
        raise InformationError("Record the mutual's consent before publishing its story.")
    case_study.status = CaseStudy.Status.PUBLISHED
    case_study.published_at = timezone.now()
    case_study.save(update_fields=["status", "published_at", "updated_at"])
    if case_study.mutual_id is not None:
        notify(
            "case_study_published",
            to=User.objects.filter(memberships__mutual_id=case_study.mutual_id, is_active=True),
            actor=actor,
            params={"title": case_study.title},
            url=reverse("information:case_study_detail", kwargs={"slug": case_study.slug}),
        )
    return case_study


@transaction.atomic
def case_study_unpublish(*, case_study: CaseStudy, actor: User) -> CaseStudy:
    case_study = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    if case_study.status != CaseStudy.Status.PUBLISHED:
        raise InformationError(f"“{case_study.title}” is not published.")
    case_study.status = CaseStudy.Status.DRAFT
    case_study.save(update_fields=["status", "updated_at"])
    return case_study
