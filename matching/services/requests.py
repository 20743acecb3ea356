"""Mentoring requests: raising, editing, withdrawing and reopening them, and the programme team's queue."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Mutual, ServiceArea, SupportTopic, User
from matching.models import (
    Introduction,
    MentoringRequest,
)
from matching.services.common import (
    MatchingError,
    _enqueue_refresh_mentor,
    _enqueue_refresh_request,
    _require_member,
    mutual_members,
    programme_team,
    request_path,
)
from notifications.services import notify

logger = logging.getLogger(__name__)


@transaction.atomic
def request_submit(
    *,
    user: User,
    mutual: Mutual,
    title: str,
    topics: Sequence[SupportTopic],
    service_area: ServiceArea,
    format: str,
    urgency: str,
    description: str,
) -> MentoringRequest:
    """A member raises a request for their mutual. Its suggestions are computed by a task after commit."""
    if not mutual.memberships.filter(user=user).exists():
        raise MatchingError("Only members of a mutual can ask for a mentor for it.")
    if not topics:
        raise MatchingError("Choose at least one topic.")
    request = MentoringRequest.objects.create(
        mutual=mutual,
        created_by=user,
        title=title,
        service_area=service_area,
        format=format,
        urgency=urgency,
        description=description,
    )
    request.topics.set(topics)
    _enqueue_refresh_request(request.pk)
    notify(
        "request_submitted",
        to=mutual_members(request),
        actor=user,
        params={"mutual": mutual.name, "title": request.title},
        url=request_path(request),
    )
    return request


@transaction.atomic
def request_update(
    *,
    request: MentoringRequest,
    user: User,
    title: str,
    topics: Sequence[SupportTopic],
    service_area: ServiceArea,
    format: str,
    urgency: str,
    description: str,
) -> MentoringRequest:
    """Edit an open request; its suggestions are recomputed after commit."""
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    _require_member(request, user)
    if request.status not in MentoringRequest.EDITABLE_STATUSES:
        raise MatchingError("Only an open request can be changed.")
    if not topics:
        raise MatchingError("Choose at least one topic.")
    request.title = title
    request.service_area = service_area
    request.format = format
    request.urgency = urgency
    request.description = description
    request.save()
    request.topics.set(topics)
    _enqueue_refresh_request(request.pk)
    return request


@transaction.atomic
def request_withdraw(*, request: MentoringRequest, user: User, reason: str = "") -> MentoringRequest:
    """The mutual no longer needs a mentor. Introductions still waiting are withdrawn and the mentor told."""
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    _require_member(request, user)
    if request.status not in MentoringRequest.WITHDRAWABLE_STATUSES:
        raise MatchingError("This request can no longer be withdrawn.")
    pending = list(request.introductions.filter(status=Introduction.Status.PENDING).select_related("mentor__user"))
    request.introductions.filter(status__in=Introduction.OPEN_STATUSES).update(
        status=Introduction.Status.WITHDRAWN, note="The mutual withdrew the request."
    )
    request.status = MentoringRequest.Status.WITHDRAWN
    request.closed_note = reason
    request.closed_by = user
    request.closed_at = timezone.now()
    request.save()
    for introduction in pending:
        _enqueue_refresh_mentor(introduction.mentor_id)  # the place the introduction held is free again
        notify(
            "introduction_withdrawn",
            to=[introduction.mentor.user],
            params={"mutual": request.mutual.name, "title": request.title, "reason": "they withdrew their request."},
            url=reverse("matching:introduction_list"),
        )
    return request


@transaction.atomic
def request_reopen(*, request: MentoringRequest, reason: str = "") -> MentoringRequest:
    """Open a matched request again for re-matching (used by messaging after a relationship ends early).

    The previous mentor is not suggested again: a mentor who accepted an introduction to the mutual (so worked with
    it) is excluded for all its requests (matching/loading.py).
    """
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (MentoringRequest.Status.MATCHED, MentoringRequest.Status.CLOSED):
        raise MatchingError("Only a matched or closed request can be reopened.")
    request.status = MentoringRequest.Status.OPEN
    request.attention_reason = ""
    request.closed_note = reason
    request.closed_by = None
    request.closed_at = None
    request.save()
    _enqueue_refresh_request(request.pk)
    return request


@transaction.atomic
def request_mark_needs_attention(
    *, request: MentoringRequest, reason: str, tell_mutual: bool = True
) -> MentoringRequest:
    """Put the request in the programme team's queue: they introduce a mentor by hand or record no match.
    `tell_mutual=False` when the caller has already told the mutual what happened (and so this)."""
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    if request.status in (MentoringRequest.Status.MATCHED, MentoringRequest.Status.WITHDRAWN):
        raise MatchingError("A matched or withdrawn request does not need attention.")
    request.status = MentoringRequest.Status.NEEDS_ATTENTION
    request.attention_reason = reason[:300]
    request.save()
    params = {"mutual": request.mutual.name, "title": request.title, "reason": request.attention_reason}
    if tell_mutual:
        notify("request_needs_attention", to=mutual_members(request), params=params, url=request_path(request))
    notify(
        "request_needs_attention_staff",
        to=programme_team(),
        params=params,
        url=reverse("matching:staff_request_detail", kwargs={"pk": request.pk}),
    )
    return request


@transaction.atomic
def request_record_no_match(*, request: MentoringRequest, user: User, note: str) -> MentoringRequest:
    """Staff close a request for which no suitable mentor exists."""
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (MentoringRequest.Status.NEEDS_ATTENTION, MentoringRequest.Status.OPEN):
        raise MatchingError("Only an open request or one needing attention can be closed without a match.")
    if request.introductions.filter(status=Introduction.Status.PENDING).exists():
        raise MatchingError("A mentor is still considering this request.")
    request.introductions.filter(status=Introduction.Status.QUEUED).update(
        status=Introduction.Status.WITHDRAWN, note="No match found."
    )
    request.status = MentoringRequest.Status.CLOSED
    request.closed_note = note
    request.closed_by = user
    request.closed_at = timezone.now()
    request.save()
    notify(
        "request_no_match",
        to=mutual_members(request),
        params={"title": request.title, "note": note},
        url=request_path(request),
    )
    return request


@transaction.atomic
def request_place_in_group(*, request: MentoringRequest, user: User) -> MentoringRequest:
    """The programme team placed the request in a mentoring group (messaging.services.group_create, in the same
    transaction): it is matched, and introductions queued for it are withdrawn."""
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in MentoringRequest.GROUPABLE_STATUSES:
        raise MatchingError(f"“{request.title}” is no longer looking for a mentor.")
    if request.introductions.filter(status=Introduction.Status.PENDING).exists():
        raise MatchingError(f"A mentor is still considering “{request.title}”.")
    request.introductions.filter(status__in=Introduction.OPEN_STATUSES).update(
        status=Introduction.Status.WITHDRAWN, note="Placed in a mentoring group."
    )
    request.status = MentoringRequest.Status.MATCHED
    request.attention_reason = ""
    request.save(update_fields=["status", "attention_reason", "updated_at"])
    _enqueue_refresh_request(request.pk)
    return request
