"""Introductions: the mutual's ordered choices, sending them to mentors in turn, answers and expiry."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, User
from matching.models import (
    Introduction,
    MentoringRequest,
    Suggestion,
)
from matching.services.common import (
    MAX_PREFERENCES,
    MatchingError,
    _enqueue_refresh_mentor,
    _notify,
    _notify_mutual,
    _require_member,
)
from matching.services.requests import request_mark_needs_attention
from messaging.models import Relationship

logger = logging.getLogger(__name__)


@transaction.atomic
def preferences_choose(*, request: MentoringRequest, user: User, mentor_ids: Sequence[int]) -> list[Introduction]:
    """The mutual picks up to three of the current suggestions, in order. The first is introduced at once."""
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    _require_member(request, user)
    if request.status != MentoringRequest.Status.OPEN:
        raise MatchingError("Mentors can only be chosen for an open request.")
    if not 1 <= len(mentor_ids) <= MAX_PREFERENCES:
        raise MatchingError(f"Choose between 1 and {MAX_PREFERENCES} mentors.")
    if len(set(mentor_ids)) != len(mentor_ids):
        raise MatchingError("Choose a different mentor for each choice.")
    suggestions = {
        suggestion.mentor_id: suggestion
        for suggestion in request.suggestions.filter(
            state=Suggestion.State.CURRENT, declined_at__isnull=True, mentor_id__in=mentor_ids
        )
    }
    if set(suggestions) != set(mentor_ids):
        raise MatchingError("Choose from the mentors suggested for this request.")
    introductions = []
    for preference, mentor_id in enumerate(mentor_ids, start=1):
        suggestion = suggestions[mentor_id]
        introductions.append(
            _introduction_prepare(
                request=request,
                mentor_id=mentor_id,
                source=Introduction.Source.MUTUAL,
                preference=preference,
                score=suggestion.score,
                reasons=suggestion.reasons,
                created_by=user,
            )
        )
    request.status = MentoringRequest.Status.INTRODUCED
    request.save(update_fields=["status", "updated_at"])
    _introduction_send_next(request)
    return introductions


def _introduction_prepare(
    *,
    request: MentoringRequest,
    mentor_id: int,
    source: str,
    preference: int | None,
    score: float | None,
    reasons: list[str],
    created_by: User | None,
) -> Introduction:
    """A QUEUED introduction for the pair, reusing a withdrawn one (a pair has at most one introduction row)."""
    introduction = Introduction.objects.select_for_update().filter(request=request, mentor_id=mentor_id).first()
    if introduction is not None and introduction.status != Introduction.Status.WITHDRAWN:
        raise MatchingError("This mentor has already been introduced for this request.")
    introduction = introduction or Introduction(request=request, mentor_id=mentor_id)
    introduction.source = source
    introduction.preference = preference
    introduction.status = Introduction.Status.QUEUED
    introduction.score = score
    introduction.reasons = reasons
    introduction.created_by = created_by
    introduction.sent_at = introduction.expires_at = introduction.responded_at = introduction.emailed_at = None
    introduction.decline_reason = introduction.note = ""
    introduction.save()
    return introduction


def _mentor_has_room(profile: MentorProfile) -> bool:
    """Approved, not paused, and active mentees plus pending introductions below capacity. Call under its row lock."""
    if profile.status != MentorProfile.Status.APPROVED or profile.is_paused():
        return False
    pending = Introduction.objects.filter(mentor=profile, status=Introduction.Status.PENDING).count()
    return profile.active_mentees + pending < profile.capacity


def _introduction_send_next(request: MentoringRequest) -> Introduction | None:
    """Send the next queued choice whose mentor still has room; with none left, the request needs attention."""
    while True:
        introduction = (
            request.introductions.select_for_update()
            .filter(status=Introduction.Status.QUEUED)
            .order_by("preference", "created_at", "id")
            .first()
        )
        if introduction is None:
            request_mark_needs_attention(
                request=request, reason="Every mentor chosen declined, did not reply in time or is no longer available."
            )
            return None
        profile = MentorProfile.objects.select_for_update().get(pk=introduction.mentor_id)
        if _mentor_has_room(profile):
            return introduction_send(introduction=introduction)
        introduction.status = Introduction.Status.WITHDRAWN
        introduction.note = "The mentor is no longer available."
        introduction.save(update_fields=["status", "note"])


@transaction.atomic
def introduction_send(*, introduction: Introduction) -> Introduction:
    """A queued introduction goes to its mentor: in-app notice now, email from a task after commit."""
    introduction = (
        Introduction.objects.select_for_update()
        .select_related("request__mutual", "mentor__user")
        .get(pk=introduction.pk)
    )
    if introduction.status != Introduction.Status.QUEUED:
        raise MatchingError("Only a queued introduction can be sent.")
    request = introduction.request
    if Introduction.objects.filter(request=request, status=Introduction.Status.PENDING).exists():
        raise MatchingError("Another mentor is already considering this request.")
    now = timezone.now()
    introduction.status = Introduction.Status.PENDING
    introduction.sent_at = now
    introduction.expires_at = now + timedelta(days=settings.INTRODUCTION_RESPONSE_DAYS)
    introduction.save(update_fields=["status", "sent_at", "expires_at"])
    _enqueue_refresh_mentor(introduction.mentor_id)  # a pending introduction holds one of the mentor's places
    if request.status != MentoringRequest.Status.INTRODUCED:
        MentoringRequest.objects.filter(pk=request.pk).update(
            status=MentoringRequest.Status.INTRODUCED, attention_reason="", updated_at=now
        )
        request.status = MentoringRequest.Status.INTRODUCED
    _notify(
        introduction.mentor.user,
        "introduction",
        f"{request.mutual} would like you as their mentor: \u201c{request.title}\u201d. Please reply within "
        f"{settings.INTRODUCTION_RESPONSE_DAYS} days.",
        reverse("matching:introduction_detail", kwargs={"pk": introduction.pk}),
    )
    from matching import tasks

    introduction_id = introduction.pk
    transaction.on_commit(lambda: tasks.send_introduction_email.delay(introduction_id))
    return introduction


@transaction.atomic
def introduction_accept(*, introduction: Introduction, user: User) -> Relationship:
    """The mentor says yes: the relationship starts, the request is matched and other introductions withdrawn.

    The mentor's profile row is locked while their capacity is checked and their count raised, so two acceptances
    at the same moment can never take a mentor past their capacity.
    """
    introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if introduction.status != Introduction.Status.PENDING:
        raise MatchingError("This introduction is no longer waiting for an answer.")
    profile = MentorProfile.objects.select_for_update().get(pk=introduction.mentor_id)
    if profile.user_id != user.pk:
        raise MatchingError("Only the mentor introduced can accept.")
    now = timezone.now()
    if introduction.expires_at is not None and introduction.expires_at <= now:
        raise MatchingError("This introduction has expired.")
    if profile.active_mentees >= profile.capacity:
        raise MatchingError(
            "You are already mentoring as many mutuals as you said you could. Raise your capacity or end a "
            "relationship first."
        )
    request = MentoringRequest.objects.select_for_update().select_related("mutual").get(pk=introduction.request_id)
    if request.status not in (MentoringRequest.Status.INTRODUCED, MentoringRequest.Status.NEEDS_ATTENTION):
        raise MatchingError("This request is no longer looking for a mentor.")
    if Relationship.objects.filter(
        mentor=profile, mutual=request.mutual, status__in=Relationship.OPEN_STATUSES
    ).exists():
        raise MatchingError("You already have an open mentoring relationship with this mutual.")
    relationship = Relationship.objects.create(
        mentor=profile, mutual=request.mutual, request=request, status=Relationship.Status.ACTIVE, started_at=now
    )
    # update_fields leaves updated_at alone: load is not part of the cached mentor table's fingerprint.
    profile.active_mentees += 1
    profile.save(update_fields=["active_mentees"])
    introduction.status = Introduction.Status.ACCEPTED
    introduction.responded_at = now
    introduction.save(update_fields=["status", "responded_at"])
    request.introductions.filter(status__in=Introduction.OPEN_STATUSES).update(
        status=Introduction.Status.WITHDRAWN, note="Another mentor accepted."
    )
    request.status = MentoringRequest.Status.MATCHED
    request.attention_reason = ""
    request.save(update_fields=["status", "attention_reason", "updated_at"])
    relationship_url = reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk})
    _notify_mutual(
        request, f"{profile} accepted your request \u201c{request.title}\u201d.", relationship_url, kind="relationship"
    )
    _enqueue_refresh_mentor(profile.pk)
    return relationship


@transaction.atomic
def introduction_decline(*, introduction: Introduction, user: User, reason: str) -> Introduction:
    """The mentor says no, with a reason. The pair is never suggested again; the next choice is introduced."""
    introduction = Introduction.objects.select_for_update().select_related("mentor").get(pk=introduction.pk)
    if introduction.mentor.user_id != user.pk:
        raise MatchingError("Only the mentor introduced can decline.")
    if introduction.status != Introduction.Status.PENDING:
        raise MatchingError("This introduction is no longer waiting for an answer.")
    now = timezone.now()
    introduction.status = Introduction.Status.DECLINED
    introduction.responded_at = now
    introduction.decline_reason = reason
    introduction.save(update_fields=["status", "responded_at", "decline_reason"])
    Suggestion.objects.filter(request_id=introduction.request_id, mentor_id=introduction.mentor_id).update(
        declined_at=now, updated_at=now
    )
    _enqueue_refresh_mentor(introduction.mentor_id)  # the place the introduction held is free again
    request = MentoringRequest.objects.select_for_update().get(pk=introduction.request_id)
    if request.status == MentoringRequest.Status.INTRODUCED:
        _introduction_send_next(request)
    return introduction


def introductions_expire(*, now: datetime | None = None) -> int:
    """Introductions unanswered past their deadline expire and the next choice is sent. Returns how many expired.

    Each one is handled in its own transaction with its row locked and its state re-checked, so two runs at once
    (or a run racing the mentor's answer) handle each introduction once.
    """
    now = now or timezone.now()
    due = list(
        Introduction.objects.filter(status=Introduction.Status.PENDING, expires_at__lte=now).values_list(
            "id", flat=True
        )
    )
    expired = 0
    for introduction_id in due:
        with transaction.atomic():
            introduction = (
                Introduction.objects.select_for_update(skip_locked=True)
                .filter(pk=introduction_id, status=Introduction.Status.PENDING, expires_at__lte=now)
                .first()
            )
            if introduction is None:
                continue
            introduction.status = Introduction.Status.EXPIRED
            introduction.note = "No reply in time."
            introduction.save(update_fields=["status", "note"])
            _enqueue_refresh_mentor(introduction.mentor_id)
            request = MentoringRequest.objects.select_for_update().get(pk=introduction.request_id)
            if request.status == MentoringRequest.Status.INTRODUCED:
                _introduction_send_next(request)
            expired += 1
    return expired


@transaction.atomic
def staff_introduce(*, request: MentoringRequest, mentor_id: int, user: User) -> Introduction:
    """Programme staff introduce a mentor they picked by hand from the mentors eligible for the request."""
    from matching.ranking import eligible_mentors

    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (MentoringRequest.Status.NEEDS_ATTENTION, MentoringRequest.Status.OPEN):
        raise MatchingError("A mentor can only be introduced by hand to an open request or one needing attention.")
    candidates = {candidate.mentor_id: candidate for candidate in eligible_mentors(request)}
    candidate = candidates.get(mentor_id)
    if candidate is None:
        raise MatchingError("That mentor cannot be introduced for this request.")
    introduction = _introduction_prepare(
        request=request,
        mentor_id=mentor_id,
        source=Introduction.Source.STAFF,
        preference=None,
        score=candidate.score,
        reasons=candidate.reasons,
        created_by=user,
    )
    return introduction_send(introduction=introduction)


def introduction_email_send(*, introduction_id: int) -> bool:
    """Email the mentor about a pending introduction, at most once. Returns whether this call sent it."""
    claimed = Introduction.objects.filter(
        pk=introduction_id, status=Introduction.Status.PENDING, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if claimed != 1:
        return False  # already emailed, or no longer waiting for an answer
    introduction = Introduction.objects.select_related("request__mutual", "mentor__user").get(pk=introduction_id)
    mentor = introduction.mentor.user
    if not mentor.email_notifications:
        return False
    context = {
        "introduction": introduction,
        "request": introduction.request,
        "mentor": mentor,
        "url": settings.SITE_URL + reverse("matching:introduction_detail", kwargs={"pk": introduction.pk}),
        "response_days": settings.INTRODUCTION_RESPONSE_DAYS,
    }
    send_mail(
        subject=render_to_string("matching/email/introduction_subject.txt", context).strip(),
        message=render_to_string("matching/email/introduction_body.txt", context),
        from_email=None,
        recipient_list=[mentor.email],
    )
    return True
