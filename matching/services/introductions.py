"""Introductions: the mutual's ordered choices, sending them to mentors in turn, answers and expiry.

An introduction comes from the mutual's own choices (sent one at a time, in order) or from the programme team (by
hand, or in a published batch), in which case both sides are told that the programme team made it and the mutual can
withdraw it to choose for itself. A pending introduction holds one of the mentor's places until it is answered.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.conduct import NOT_ACCEPTED_MESSAGE, conduct_accepted
from accounts.models import MentorProfile, User
from matching.models import Introduction, MentoringRequest, Suggestion
from matching.services.common import (
    MAX_PREFERENCES,
    MatchingError,
    _enqueue_refresh_mentor,
    _require_member,
    mutual_members,
    reply_by,
    request_path,
)
from matching.services.requests import request_mark_needs_attention
from matching.signals import introduction_accepted
from matching.wording import reasons_for_mentor
from notifications.services import notify

logger = logging.getLogger(__name__)

PROGRAMME_SOURCES = (Introduction.Source.STAFF, Introduction.Source.BATCH)


@transaction.atomic
def preferences_choose(*, request: MentoringRequest, user: User, mentor_ids: Sequence[int]) -> list[Introduction]:
    """The mutual picks up to three of the current suggestions, in order. The first with room is introduced at once;
    with none, the request needs attention (request.status says which happened)."""
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
    # None of the chosen mentors may have room any more (paused or full since the suggestions were made): then the
    # request goes to the programme team and the mutual's members, the one choosing included, are told so.
    sent = _introduction_send_next(request)
    if sent is not None:
        notify(
            "choices_sent",
            to=mutual_members(request),
            actor=user,
            params={"title": request.title, "mentor": sent.mentor.user},
            url=request_path(request),
        )
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
    introduction.sent_at = introduction.expires_at = introduction.responded_at = None
    introduction.decline_reason = introduction.note = ""
    introduction.save()
    return introduction


def _mentor_has_room(profile: MentorProfile) -> bool:
    """Approved, not paused, and active mentees plus pending introductions below capacity. Call under its row lock."""
    if profile.status != MentorProfile.Status.APPROVED or profile.is_paused():
        return False
    pending = Introduction.objects.filter(mentor=profile, status=Introduction.Status.PENDING).count()
    return profile.active_mentees + pending < profile.capacity


def _introduction_send_next(request: MentoringRequest, *, tell_mutual: bool = True) -> Introduction | None:
    """Send the next queued choice whose mentor still has room; with none left, the request needs attention.

    `tell_mutual=False` when the caller tells the mutual itself (with words that say what happened next)."""
    while True:
        introduction = (
            request.introductions.select_for_update()
            .filter(status=Introduction.Status.QUEUED)
            .order_by("preference", "created_at", "id")
            .first()
        )
        if introduction is None:
            request_mark_needs_attention(
                request=request,
                reason="Every mentor chosen declined, did not reply in time or is no longer available.",
                tell_mutual=tell_mutual,
            )
            return None
        profile = MentorProfile.objects.select_for_update().select_related("user").get(pk=introduction.mentor_id)
        accepted_code = conduct_accepted(user=profile.user)
        if _mentor_has_room(profile) and accepted_code:
            return introduction_send(introduction=introduction)
        introduction.status = Introduction.Status.WITHDRAWN
        introduction.note = (
            "The mentor is no longer available."
            if accepted_code
            else "The mentor has not accepted the current code of conduct."
        )
        introduction.save(update_fields=["status", "note"])


def _tell_mutual_what_next(event: str, introduction: Introduction, sent: Introduction | None) -> None:
    """After a choice declined or did not reply: the mutual hears who was asked next, or that none is left."""
    request = introduction.request
    params: dict[str, object] = {"mentor": introduction.mentor.user, "title": request.title}
    if sent is None:
        event += "_last"
    else:
        params["next_mentor"] = sent.mentor.user
    notify(event, to=mutual_members(request), params=params, url=request_path(request))


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
    if not conduct_accepted(user=introduction.mentor.user):
        raise MatchingError(
            "This mentor has not accepted the current code of conduct, so they cannot be introduced yet."
        )
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
    by_programme = introduction.source in PROGRAMME_SOURCES
    notify(
        "introduction_sent_by_programme" if by_programme else "introduction_sent",
        to=[introduction.mentor.user],
        params={
            "mutual": request.mutual.name,
            "title": request.title,
            "reply_by": reply_by(introduction),
            "reasons": reasons_for_mentor(introduction.reasons),
        },
        url=reverse("matching:introduction_detail", kwargs={"pk": introduction.pk}),
    )
    if by_programme:
        # The mutual did not choose this mentor: it hears at once, and can withdraw the introduction.
        notify(
            "introduced_by_programme",
            to=mutual_members(request),
            params={"mentor": introduction.mentor.user, "title": request.title, "reply_by": reply_by(introduction)},
            url=request_path(request),
        )
    return introduction


@dataclass(frozen=True)
class Accepted:
    introduction: Introduction
    next_url: str  # where the mentor goes next: the relationship that started (or the introduction)


@transaction.atomic
def introduction_accept(*, introduction: Introduction, user: User) -> Accepted:
    """The mentor says yes: one of their places is taken, the request is matched, other introductions withdrawn,
    and the relationships app starts the relationship (matching.signals.introduction_accepted), all or nothing.

    The mentor's place is taken under a row lock on their profile (accounts.services.mentor_place_take), so two
    acceptances at the same moment can never take a mentor past their capacity.
    """
    introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if introduction.status != Introduction.Status.PENDING:
        raise MatchingError("This introduction is no longer waiting for an answer.")
    if not MentorProfile.objects.filter(pk=introduction.mentor_id, user=user).exists():
        raise MatchingError("Only the mentor introduced can accept.")
    if not conduct_accepted(user=user):
        # A new version may have been published since the introduction was sent.
        raise MatchingError(NOT_ACCEPTED_MESSAGE)
    now = timezone.now()
    if introduction.expires_at is not None and introduction.expires_at <= now:
        raise MatchingError("This introduction has expired.")
    request = MentoringRequest.objects.select_for_update().select_related("mutual").get(pk=introduction.request_id)
    if request.status not in (MentoringRequest.Status.INTRODUCED, MentoringRequest.Status.NEEDS_ATTENTION):
        raise MatchingError("This request is no longer looking for a mentor.")
    try:
        profile = accounts_services.mentor_place_take(profile_id=introduction.mentor_id)
    except accounts_services.AccountsError as error:
        raise MatchingError(str(error)) from error
    introduction.status = Introduction.Status.ACCEPTED
    introduction.responded_at = now
    introduction.save(update_fields=["status", "responded_at"])
    request.introductions.filter(status__in=Introduction.OPEN_STATUSES).update(
        status=Introduction.Status.WITHDRAWN, note="Another mentor accepted."
    )
    request.status = MentoringRequest.Status.MATCHED
    request.attention_reason = ""
    request.save(update_fields=["status", "attention_reason", "updated_at"])
    introduction.request = request
    introduction.mentor = profile
    answers = introduction_accepted.send(sender=Introduction, introduction=introduction, user=user)
    next_url = next((url for _, url in answers if url), reverse("matching:introduction_detail", args=[introduction.pk]))
    notify(
        "introduction_accepted",
        to=mutual_members(request),
        params={"mentor": user, "title": request.title},
        url=next_url,
    )
    return Accepted(introduction=introduction, next_url=next_url)


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
    introduction.request = request
    if request.status == MentoringRequest.Status.INTRODUCED:
        sent = _introduction_send_next(request, tell_mutual=False)
        _tell_mutual_what_next("introduction_declined", introduction, sent)
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
                Introduction.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("mentor__user")
                .filter(pk=introduction_id, status=Introduction.Status.PENDING, expires_at__lte=now)
                .first()
            )
            if introduction is None:
                continue
            introduction.status = Introduction.Status.EXPIRED
            introduction.note = "No reply in time."
            introduction.save(update_fields=["status", "note"])
            _enqueue_refresh_mentor(introduction.mentor_id)
            request = (
                MentoringRequest.objects.select_for_update().select_related("mutual").get(pk=introduction.request_id)
            )
            introduction.request = request
            notify(
                "introduction_expired_mentor",
                to=[introduction.mentor.user],
                params={"mutual": request.mutual.name, "title": request.title},
                url=reverse("matching:introduction_list"),
            )
            if request.status == MentoringRequest.Status.INTRODUCED:
                sent = _introduction_send_next(request, tell_mutual=False)
                _tell_mutual_what_next("introduction_expired", introduction, sent)
            expired += 1
    return expired


@transaction.atomic
def staff_introduce(*, request: MentoringRequest, mentor_id: int, user: User) -> Introduction:
    """Programme staff introduce a mentor they picked by hand from the mentors eligible for the request."""
    from matching.candidates import eligible_mentors

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


@transaction.atomic
def introduction_withdraw_for_mutual(*, introduction: Introduction, user: User) -> Introduction:
    """The mutual turns down an introduction the programme team made for it, to choose mentors itself. The mentor
    is told there is nothing more to do; the request is open again, with its suggestions."""
    introduction = (
        Introduction.objects.select_for_update(of=("self",)).select_related("mentor__user").get(pk=introduction.pk)
    )
    request = MentoringRequest.objects.select_for_update().select_related("mutual").get(pk=introduction.request_id)
    _require_member(request, user)
    if introduction.source not in PROGRAMME_SOURCES:
        raise MatchingError("You chose this mentor yourselves: withdraw the request instead if you no longer need one.")
    if introduction.status != Introduction.Status.PENDING:
        raise MatchingError("This introduction is no longer waiting for an answer.")
    introduction.status = Introduction.Status.WITHDRAWN
    introduction.note = "The mutual chose to pick its own mentors."
    introduction.save(update_fields=["status", "note"])
    _enqueue_refresh_mentor(introduction.mentor_id)  # the place the introduction held is free again
    request.status = MentoringRequest.Status.OPEN
    request.attention_reason = ""
    request.save(update_fields=["status", "attention_reason", "updated_at"])
    notify(
        "introduction_withdrawn",
        to=[introduction.mentor.user],
        params={
            "mutual": request.mutual.name,
            "title": request.title,
            "reason": "they would rather choose their mentors themselves.",
        },
        url=reverse("matching:introduction_list"),
    )
    return introduction
